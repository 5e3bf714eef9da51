package relay.persistence.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import relay.persistence.queue.DeliveryQueue.DelayWarningSent;
import relay.persistence.queue.DeliveryQueue.Event;
import relay.persistence.queue.DeliveryQueue.MessageExpired;
import relay.persistence.queue.DeliveryQueue.RecipientsBounced;
import relay.protocol.client.TlsStatus;

/**
 * One group-commit write of a queue: the events a batch of attempt outcomes comes to ({@link
 * AttemptPlanner}), the messages they were about (no longer in flight once written) and those
 * messages as they were before (for the event log), and what protected each attempt's
 * connection (TLS, for the event log and history; not part of the events).
 */
record OutcomeWrite(List<Event> events, List<String> done, Map<String, PendingMessage> before,
    Map<String, TlsStatus> tls) {

  /** Events that came from no connection (an operator's bounce). */
  OutcomeWrite(List<Event> events, List<String> done, Map<String, PendingMessage> before) {
    this(events, done, before, Map.of());
  }

  /** What protected the attempt of {@code queueId}; none when unknown. */
  TlsStatus tlsOf(String queueId) {
    return tls.getOrDefault(queueId, TlsStatus.NONE);
  }

  /** Plans the write of {@code outcomes}; an outcome for a message no longer pending adds none. */
  static OutcomeWrite plan(QueueState state, List<AttemptOutcome> outcomes, Instant now,
      QueueSettings settings) {
    List<Event> events = new ArrayList<>();
    List<String> done = new ArrayList<>();
    Map<String, PendingMessage> before = new HashMap<>();
    Map<String, TlsStatus> tls = new HashMap<>();
    for (AttemptOutcome outcome : outcomes) {
      done.add(outcome.queueId());
      if (outcome.tls().encrypted()) {
        tls.put(outcome.queueId(), outcome.tls());
      }
      state.message(outcome.queueId()).ifPresent(msg -> {
        before.put(outcome.queueId(), msg);
        events.addAll(AttemptPlanner.plan(msg, outcome, now, settings));
      });
    }
    return new OutcomeWrite(List.copyOf(events), List.copyOf(done), Map.copyOf(before), Map.copyOf(tls));
  }

  /** The DSNs the events decide, each once, in the order decided. */
  Set<String> newDsnIds() {
    Set<String> ids = new LinkedHashSet<>();
    for (Event e : events) {
      String id = e instanceof RecipientsBounced b ? b.dsnId()
          : e instanceof MessageExpired x ? x.dsnId()
          : e instanceof DelayWarningSent w ? w.dsnId() : "";
      if (!id.isEmpty()) {
        ids.add(id);
      }
    }
    return ids;
  }
}

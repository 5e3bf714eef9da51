package relay.persistence.queue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import relay.persistence.queue.DeliveryQueue.Event;
import relay.persistence.queue.DeliveryQueue.RecipientsDeferred;

/**
 * The delay reports of one queue incarnation ({@link DelayWatch}): after a write, each deferral
 * of a registered client's message received before the threshold reports that client, unless
 * this incarnation reported it less than the report interval ago. The report counts the client's
 * pending messages in this queue: a scan of the queue, at most once per client per interval
 * (not per message). What was reported is kept in memory only: a queue that moves or restarts
 * reports again at its next such deferral, and the decision to notify (once per client and
 * destination per period, persisted) is the receiver's.
 */
final class ClientDelays {

  /** Past this many clients the memory of reports forgets those older than the interval. */
  private static final int PRUNE_AT = 1000;

  private final DelayWatch watch;
  private final String domain;
  private final Map<String, Instant> reported = new HashMap<>();

  ClientDelays(DelayWatch watch, String domain) {
    this.watch = watch;
    this.domain = domain;
  }

  /** After {@code events} were persisted and applied to {@code state}, at {@code now}. */
  void persisted(List<Event> events, QueueState state, Instant now) {
    if (!watch.enabled()) {
      return;
    }
    Instant cutoff = now.minus(watch.threshold());
    for (Event e : events) {
      if (e instanceof RecipientsDeferred d) {
        Optional<PendingMessage> m = state.message(d.queueId());
        if (m.isPresent() && m.get().client() != null
            && !m.get().receivedAt().isAfter(cutoff) && due(m.get().client(), now)) {
          watch.reports().accept(report(state, m.get().client(), cutoff, d, now));
        }
      }
    }
  }

  private boolean due(String client, Instant now) {
    Instant last = reported.get(client);
    if (last != null && last.plus(watch.reportInterval()).isAfter(now)) {
      return false;
    }
    if (reported.size() >= PRUNE_AT) {
      reported.values().removeIf(at -> !at.plus(watch.reportInterval()).isAfter(now));
    }
    reported.put(client, now);
    return true;
  }

  private DelayReport report(QueueState state, String client, Instant cutoff,
      RecipientsDeferred trigger, Instant now) {
    int waiting = 0;
    int delayed = 0;
    Instant oldest = null;
    for (PendingMessage p : state.messages()) {
      if (client.equals(p.client())) {
        waiting++;
        if (!p.receivedAt().isAfter(cutoff)) {
          delayed++;
        }
        if (oldest == null || p.receivedAt().isBefore(oldest)) {
          oldest = p.receivedAt();
        }
      }
    }
    return new DelayReport(client, domain, waiting, delayed, oldest, trigger.reply(),
        trigger.remoteHost(), now);
  }
}

package relay.persistence.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import relay.persistence.spool.SpoolNames;

/**
 * What a queue does with an enqueue batch, decided before anything is persisted: refuse it
 * (empty, a bad queue id, or over {@code max-pending-messages}), or persist the messages it
 * does not know yet (pending or recently finished ids are skipped, and a client's retry of a
 * message taken recently under another id, see {@link RecentMessages}; none left: acknowledge
 * only).
 *
 * @param refusal why the batch is refused, if it is
 * @param fresh the messages to persist, each queue id once, in the batch's order
 * @param retries retries recognized: retry queue id to the original's, not queued
 */
record EnqueueCheck(Optional<EnqueueOutcome.Refused> refusal, List<QueuedMessage> fresh,
    Map<String, String> retries) {

  static EnqueueCheck of(QueueState state, List<QueuedMessage> batch, int maxPending, Object queue,
      Instant now) {
    if (batch.isEmpty()) {
      return refused(new EnqueueOutcome.Invalid("empty enqueue batch"));
    }
    List<QueuedMessage> fresh = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (QueuedMessage m : batch) {
      try {
        SpoolNames.queueId(m.queueId());
      } catch (IllegalArgumentException e) {
        return refused(new EnqueueOutcome.Invalid(e.getMessage()));
      }
      if (seen.add(m.queueId()) && !state.knows(m.queueId())) {
        fresh.add(m);
      }
    }
    Map<String, String> retries = state.recentMessages().retriesIn(fresh, now);
    fresh.removeIf(m -> retries.containsKey(m.queueId()));
    if (!fresh.isEmpty() && state.pendingMessageCount() + fresh.size() > maxPending) {
      return refused(new EnqueueOutcome.QueueFull(queue + " holds "
          + state.pendingMessageCount() + " of at most " + maxPending + " messages"));
    }
    return new EnqueueCheck(Optional.empty(), List.copyOf(fresh), retries);
  }

  private static EnqueueCheck refused(EnqueueOutcome.Refused reason) {
    return new EnqueueCheck(Optional.of(reason), List.of(), Map.of());
  }
}

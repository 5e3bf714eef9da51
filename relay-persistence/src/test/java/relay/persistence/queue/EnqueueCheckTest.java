package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import relay.persistence.queue.DeliveryQueue.MessagesEnqueued;

/** The enqueue decision alone: refusals, known ids, the pending limit, retries. */
class EnqueueCheckTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  static QueuedMessage message(String id, String fingerprint) {
    return new QueuedMessage(id, "s@x.example", List.of("a@d"), 10, T, false, false, fingerprint);
  }

  static List<String> ids(List<QueuedMessage> messages) {
    return messages.stream().map(QueuedMessage::queueId).toList();
  }

  @Test
  void emptyBatchesBadIdsAndAFullQueueAreRefused() {
    QueueState state = new QueueState(100);
    assertEquals(new EnqueueOutcome.Invalid("empty enqueue batch"),
        EnqueueCheck.of(state, List.of(), 10, "d", T).refusal().orElseThrow());
    assertTrue(EnqueueCheck.of(state, List.of(message("../x", null)), 10, "d", T).refusal()
        .orElseThrow() instanceof EnqueueOutcome.Invalid);
    state.apply(new MessagesEnqueued(List.of(message("Q1", null)), T));
    EnqueueOutcome.Refused full = EnqueueCheck.of(state,
        List.of(message("Q2", null), message("Q3", null)), 2, "d", T).refusal().orElseThrow();
    assertEquals(new EnqueueOutcome.QueueFull("d holds 1 of at most 2 messages"), full);
  }

  @Test
  void knownAndRepeatedIdsAreSkippedAndNothingNewIsNoRefusal() {
    QueueState state = new QueueState(100);
    state.apply(new MessagesEnqueued(List.of(message("Q1", null)), T));
    EnqueueCheck again = EnqueueCheck.of(state, List.of(message("Q1", null)), 1, "d", T);
    assertTrue(again.refusal().isEmpty(), "a full queue still acknowledges what it holds");
    assertTrue(again.fresh().isEmpty());
    EnqueueCheck mixed = EnqueueCheck.of(state,
        List.of(message("Q2", null), message("Q1", null), message("Q2", null)), 10, "d", T);
    assertEquals(List.of("Q2"), ids(mixed.fresh()));
  }

  @Test
  void aRetryUnderAnotherIdIsNamedAndNotQueued() {
    QueueState state = new QueueState(100);
    state.apply(new MessagesEnqueued(List.of(message("Q1", "fp-1")), T));
    EnqueueCheck check = EnqueueCheck.of(state,
        List.of(message("Q7", "fp-1"), message("Q8", "fp-2")), 10, "d", T.plusSeconds(60));
    assertEquals(List.of("Q8"), ids(check.fresh()));
    assertEquals(Map.of("Q7", "Q1"), check.retries());
  }
}

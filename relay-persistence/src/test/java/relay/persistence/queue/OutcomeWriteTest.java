package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import relay.persistence.queue.DeliveryQueue.MessagesEnqueued;
import relay.persistence.queue.DeliveryQueue.RecipientsBounced;
import relay.persistence.queue.DeliveryQueue.RecipientsDelivered;

/** Planning one group-commit write alone: events, settled messages, DSNs decided. */
class OutcomeWriteTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  static final RecordedReply OK = new RecordedReply(250, "2.0.0", "Ok");
  static final RecordedReply NO_USER = new RecordedReply(550, "5.1.1", "No such user");

  @Test
  void outcomesBecomeEventsAndTheirDsnsAreNamedOnce() {
    QueueState state = new QueueState(100);
    state.apply(new MessagesEnqueued(List.of(
        new QueuedMessage("A", "s@x.example", List.of("a@d", "b@d", "c@d"), 10, T, false, false),
        new QueuedMessage("B", "", List.of("d@d"), 10, T, false, false)), T));
    AttemptOutcome a = new AttemptOutcome("A", "mx", List.of(
        new AttemptOutcome.RecipientReply("a@d", OK),
        new AttemptOutcome.RecipientReply("b@d", NO_USER),
        new AttemptOutcome.RecipientReply("c@d", NO_USER)));
    AttemptOutcome b = AttemptOutcome.all("B", "mx", List.of("d@d"), NO_USER);
    AttemptOutcome gone = AttemptOutcome.all("Z", "mx", List.of("z@d"), OK);
    OutcomeWrite write = OutcomeWrite.plan(state, List.of(a, b, gone), T, TestQueues.settings(""));
    assertEquals(List.of("A", "B", "Z"), write.done());
    assertEquals(3, write.events().size(), write.events().toString());
    assertInstanceOf(RecipientsDelivered.class, write.events().get(0));
    assertInstanceOf(RecipientsBounced.class, write.events().get(1));
    assertEquals(Set.of("A.F1"), write.newDsnIds(), "the null sender's bounce has no DSN");
    assertEquals(Set.of("A", "B"), write.before().keySet());
    assertTrue(write.before().get("A").recipients().contains("a@d"), "as it was before");
  }
}

package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pending index alone: due order, in-flight skipping, recipient counts, removal. */
class PendingIndexTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  static PendingMessage message(String id, Instant due, String... rcpts) {
    return new PendingMessage(id, "s@x.example", List.of(rcpts), 10, T, false, false, 0, due,
        false);
  }

  @Test
  void theFirstDueIsTheEarliestThenTheSmallestIdSkippingThoseInFlight() {
    PendingIndex index = new PendingIndex();
    index.put(message("B", T.plusSeconds(1), "a@d"));
    index.put(message("C", T.plusSeconds(5), "a@d"));
    index.put(message("A", T.plusSeconds(1), "a@d"));
    assertEquals("A", index.firstDue(T.plusSeconds(1), Set.of()).orElseThrow().queueId());
    assertEquals("B", index.firstDue(T.plusSeconds(1), Set.of("A")).orElseThrow().queueId());
    assertTrue(index.firstDue(T.plusSeconds(1), Set.of("A", "B")).isEmpty(), "C is not due yet");
    assertTrue(index.firstDue(T, Set.of()).isEmpty());
    assertEquals(Optional.of(T.plusSeconds(5)), index.nextDueAt(Set.of("A", "B")));
    assertEquals(Optional.empty(), index.nextDueAt(Set.of("A", "B", "C")));
  }

  @Test
  void aDeferralMovesTheMessageInTheDueOrderAndKeepsItsArrivalPlace() {
    PendingIndex index = new PendingIndex();
    index.put(message("A", T, "a@d"));
    index.put(message("B", T.plusSeconds(1), "b@d"));
    index.deferred("A", 1, T.plusSeconds(60));
    assertEquals("B", index.firstDue(T.plusSeconds(2), Set.of()).orElseThrow().queueId());
    assertEquals(1, index.get("A").orElseThrow().attempts());
    assertEquals(List.of("A", "B"), index.all().stream().map(PendingMessage::queueId).toList());
    index.deferred("unknown", 1, T); // ignored
    assertEquals(2, index.size());
  }

  @Test
  void recipientsLeaveOneByOneAndTheMessageGoesWithTheLast() {
    PendingIndex index = new PendingIndex();
    index.put(message("A", T, "a@d", "b@d", "c@d"));
    index.put(message("B", T, "d@d"));
    assertEquals(4, index.recipientCount());
    assertFalse(index.removeRecipients("A", List.of("a@d", "c@d")));
    assertEquals(List.of("b@d"), index.get("A").orElseThrow().recipients());
    assertEquals(2, index.recipientCount());
    assertTrue(index.removeRecipients("A", List.of("b@d")));
    assertFalse(index.contains("A"));
    assertTrue(index.firstDue(T, Set.of()).map(m -> m.queueId().equals("B")).orElseThrow());
    assertEquals(1, index.recipientCount());
    assertFalse(index.removeRecipients("A", List.of("b@d")), "already gone");
  }

  @Test
  void theDelayWarningIsMarkedOnceAndTheOldestArrivalIsReported() {
    PendingIndex index = new PendingIndex();
    assertEquals(Optional.empty(), index.oldestReceivedAt());
    index.put(message("A", T, "a@d"));
    assertFalse(index.delayWarned("A").orElseThrow().delayWarned(), "returns it as it was");
    assertTrue(index.get("A").orElseThrow().delayWarned());
    assertTrue(index.delayWarned("B").isEmpty());
    assertEquals(Optional.of(T), index.oldestReceivedAt());
  }
}

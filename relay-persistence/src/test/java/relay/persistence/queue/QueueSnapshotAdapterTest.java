package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import relay.persistence.queue.DeliveryQueue.DelayWarningSent;
import relay.persistence.queue.DeliveryQueue.MessagesEnqueued;
import relay.persistence.queue.DeliveryQueue.RecipientsDelivered;
import relay.persistence.queue.DeliveryQueue.Snapshot;

/** Snapshots alone: a state through its snapshot and back holds the same. */
class QueueSnapshotAdapterTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aStateRoundTripsThroughItsSnapshot() {
    QueueState state = new QueueState(100);
    state.apply(new MessagesEnqueued(List.of(
        new QueuedMessage("A", "s@x.example", List.of("a@d"), 10, T, false, false, "fp"),
        new QueuedMessage("B", "s@x.example", List.of("b@d", "c@d"), 10, T, true, false)), T));
    state.apply(new RecipientsDelivered("A", List.of("a@d"), "mx",
        new RecordedReply(250, "2.0.0", "Ok"), T));
    state.apply(new DelayWarningSent("B", List.of(new FailedRecipient("b@d", 451, "4.2.0",
        "Later", Optional.empty(), T)), T.plus(Duration.ofDays(5)), T, "B.D"));
    QueueSnapshotAdapter adapter =
        new QueueSnapshotAdapter(100, DeliveryQueue.DEFAULT_DUPLICATES);
    Snapshot snapshot = (Snapshot) adapter.toJournal(state);
    QueueState back = adapter.fromJournal(snapshot);
    assertEquals(snapshot, back.toSnapshot());
    assertTrue(back.knows("A"));
    assertTrue(back.message("B").orElseThrow().delayWarned());
    assertEquals(2, back.pendingRecipientCount());
    assertEquals(1, back.pendingDsns().size());
    assertSame(state, adapter.fromJournal(state), "a state in memory is taken as it is");
  }

  @Test
  void aSnapshotWithoutRecentMessagesReadsBack() {
    Snapshot old = new Snapshot(List.of(), List.of(), List.of("A"));
    QueueState back = new QueueSnapshotAdapter(100, DeliveryQueue.DEFAULT_DUPLICATES).fromJournal(old);
    assertTrue(back.knows("A"));
    assertTrue(back.isEmpty());
  }
}

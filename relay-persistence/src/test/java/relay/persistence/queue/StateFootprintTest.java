package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import relay.persistence.queue.DeliveryQueue.MessagesEnqueued;

/**
 * 100,000 pending messages (two recipients each) must fit easily in a 512 MB heap, and choosing
 * the next due message must come from the index, not a scan.
 */
class StateFootprintTest {

  static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  @Test
  void aHundredThousandPendingMessagesStayWellUnderAHundredMegabytes() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    long before = usedHeap();
    QueueState state = new QueueState(10_000);
    for (int batch = 0; batch < 500; batch++) {
      List<QueuedMessage> msgs = new ArrayList<>(200);
      for (int i = 0; i < 200; i++) {
        int n = batch * 200 + i;
        msgs.add(new QueuedMessage("20260101-" + n, "sender" + (n % 1000) + "@apps.example.org",
            List.of("user" + n + "@dest.example", "other" + n + "@dest.example"), 20_000,
            t.plusMillis(n), false, false));
      }
      state.apply(new MessagesEnqueued(msgs, t.plusMillis(batch * 1000L)));
    }
    long used = usedHeap() - before;
    assertEquals(100_000, state.pendingMessageCount());
    assertEquals(200_000, state.pendingRecipientCount());
    System.out.println("state of 100,000 messages: ~" + used / (1024 * 1024) + " MiB");
    assertTrue(used < 100L * 1024 * 1024, "state used " + used / (1024 * 1024) + " MiB");

    // the earliest due message comes first, skipping those in flight
    assertEquals("20260101-0", state.firstDue(t.plusSeconds(1), new HashSet<>()).orElseThrow().queueId());
    assertEquals("20260101-1",
        state.firstDue(t.plusSeconds(1), new HashSet<>(List.of("20260101-0"))).orElseThrow().queueId());
    assertTrue(state.firstDue(t.minusSeconds(1), new HashSet<>()).isEmpty());
  }
}

package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure bookkeeping of fingerprints: window, count bound, order, batches, snapshots. */
class RecentMessagesTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final DuplicateSettings DAY = new DuplicateSettings(Duration.ofHours(24), 1000);

  private static QueuedMessage message(String queueId, String fingerprint) {
    return new QueuedMessage(queueId, "s@x.example", List.of("a@d"), 10, T0, false, false,
        fingerprint);
  }

  @Test
  void aRetryUnderAnotherQueueIdIsKnownWithinTheWindowOnly() {
    RecentMessages recent = new RecentMessages(DAY);
    recent.add("F", "Q1", T0);
    assertEquals(Optional.of("Q1"), recent.duplicateOf("F", "Q2", T0.plusSeconds(60)));
    assertEquals(Optional.of("Q1"), recent.duplicateOf("F", "Q2", T0.plus(Duration.ofHours(24))));
    assertEquals(Optional.empty(), recent.duplicateOf("F", "Q2",
        T0.plus(Duration.ofHours(24)).plusSeconds(1)), "after the window it is a new message");
    assertEquals(Optional.empty(), recent.duplicateOf("F", "Q1", T0),
        "the same queue id again is the queue's own repeat, not a client's retry");
    assertEquals(Optional.empty(), recent.duplicateOf("G", "Q2", T0));
  }

  @Test
  void theOldestGoFirstByCountAndByAge() {
    RecentMessages recent = new RecentMessages(new DuplicateSettings(Duration.ofHours(1), 3));
    for (int i = 1; i <= 4; i++) {
      recent.add("F" + i, "Q" + i, T0.plusSeconds(i));
    }
    assertEquals(3, recent.size());
    assertEquals(Optional.empty(), recent.duplicateOf("F1", "R", T0.plusSeconds(5)));
    assertEquals(Optional.of("Q2"), recent.duplicateOf("F2", "R", T0.plusSeconds(5)));
    recent.add("F5", "Q5", T0.plus(Duration.ofMinutes(60)).plusSeconds(4));
    assertEquals(List.of("F4", "F5"), recent.entries().stream()
        .map(RecentMessages.Entry::fingerprint).toList(), "F2 and F3 aged out");
  }

  @Test
  void aFingerprintTakenAgainAfterTheWindowPointsAtTheNewestCopy() {
    RecentMessages recent = new RecentMessages(DAY);
    recent.add("F", "Q1", T0);
    recent.add("G", "Q2", T0.plusSeconds(1));
    recent.add("F", "Q3", T0.plus(Duration.ofDays(2)));
    assertEquals(Optional.of("Q3"), recent.duplicateOf("F", "Q4", T0.plus(Duration.ofDays(2))));
    assertEquals(List.of("F"), recent.entries().stream()
        .map(RecentMessages.Entry::fingerprint).toList());
  }

  @Test
  void retriesInABatchAgainstTheStateAndEachOther() {
    RecentMessages recent = new RecentMessages(DAY);
    recent.add("F", "Q1", T0);
    Map<String, String> retries = recent.retriesIn(List.of(message("Q2", "F"),
        message("Q3", "G"), message("Q4", "G"), message("Q5", null), message("Q6", null),
        message("Q7", "F")), T0.plusSeconds(1));
    assertEquals(Map.of("Q2", "Q1", "Q4", "Q3", "Q7", "Q1"), retries,
        "a retry points at the copy taken, never at another retry");
  }

  @Test
  void offRemembersNothing() {
    for (DuplicateSettings off : List.of(DuplicateSettings.off(),
        new DuplicateSettings(Duration.ZERO, 10), new DuplicateSettings(Duration.ofHours(1), 0))) {
      RecentMessages recent = new RecentMessages(off);
      recent.add("F", "Q1", T0);
      assertEquals(0, recent.size());
      assertTrue(recent.retriesIn(List.of(message("Q1", "F"), message("Q2", "F")), T0).isEmpty());
    }
  }

  @Test
  void restoredFromItsEntriesOrFromASnapshotWithoutThem() {
    RecentMessages recent = new RecentMessages(DAY);
    recent.add("F", "Q1", T0);
    recent.add("G", "Q2", T0.plusSeconds(1));
    RecentMessages restored = RecentMessages.of(recent.entries(), DAY);
    assertEquals(recent.entries(), restored.entries());
    assertEquals(0, RecentMessages.of(null, DAY).size());
  }

  @Test
  void settingsNameTheFullKeyWhenOutOfBounds() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TestQueues.settings("relay.queue.duplicates.max-entries = -1"));
    assertEquals("relay.queue.duplicates.max-entries = -1 is outside 0 .. 10000000", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TestQueues.settings("relay.queue.duplicates.window = 31d"));
    assertTrue(e.getMessage().startsWith("relay.queue.duplicates.window = PT744H is outside"),
        e.getMessage());
    assertEquals(new DuplicateSettings(Duration.ofHours(24), 100_000),
        TestQueues.settings("").duplicates());
  }

  @Test
  void aFullQueueOfFingerprintsStaysUnderFortyMegabytes() {
    long before = StateFootprintTest.usedHeap();
    RecentMessages recent = new RecentMessages(new DuplicateSettings(Duration.ofHours(24), 100_000));
    java.util.Base64.Encoder base64 = java.util.Base64.getUrlEncoder().withoutPadding();
    for (int n = 0; n < 100_000; n++) {
      byte[] digest = new byte[32];
      new java.util.Random(n).nextBytes(digest);
      recent.add(base64.encodeToString(digest), "20261201T100000-" + n + "-n1", T0.plusMillis(n));
    }
    long used = StateFootprintTest.usedHeap() - before;
    assertEquals(100_000, recent.size());
    System.out.println("100,000 remembered fingerprints: ~" + used / 1024 + " KiB");
    assertTrue(used < 40L * 1024 * 1024, "used " + used / (1024 * 1024) + " MiB");
  }
}

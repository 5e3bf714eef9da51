package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Entity ids of sub-queues: one canonical id each, never a real domain, a stable message hash. */
class SubQueueIdTest {

  @Test
  void persistenceIdsFitTheJournalsColumnAndShortOnesStayAsTheyWere() {
    assertEquals("dest.test", SubQueueId.whole("dest.test").persistenceKey("DeliveryQueue"));
    assertEquals("dest.test#3", new SubQueueId("dest.test", 3).persistenceKey("DeliveryQueue"));
    String domain = ("a".repeat(63) + ".").repeat(3) + "b".repeat(61);
    assertEquals(253, domain.length());
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (int i : new int[] {0, 1, 999}) {
      String key = new SubQueueId(domain, i).persistenceKey("DeliveryQueue");
      assertEquals(SubQueueId.MAX_PERSISTENCE_ID, ("DeliveryQueue|" + key).length(), key);
      assertTrue(key.startsWith(domain.substring(0, 100)), key);
      keys.add(key);
    }
    assertEquals(3, keys.size(), "each sub-queue its own journal");
    String fits = domain.substring(0, 241);
    assertEquals(fits, SubQueueId.whole(fits).persistenceKey("DeliveryQueue"));
  }

  @Test
  void subQueueZeroIsThePlainDomainAndTheOthersCarryTheirNumber() {
    assertEquals("gmail.com", SubQueueId.whole("Gmail.COM").entityId());
    assertEquals("gmail.com", new SubQueueId("gmail.com", 0).entityId());
    assertEquals("gmail.com#2", new SubQueueId("GMAIL.com", 2).entityId());
    assertEquals(new SubQueueId("gmail.com", 2), SubQueueId.parse("gmail.com#2"));
    assertEquals(new SubQueueId("gmail.com", 0), SubQueueId.parse("gmail.com"));
    assertEquals(new SubQueueId("b\u00fccher.example", 999),
        SubQueueId.parse("b\u00fccher.example#999"));
    for (String id : List.of("d.example", "d.example#1", "d.example#10", "[192.0.2.1]#7")) {
      assertEquals(id, SubQueueId.parse(id).entityId(), "round trip of " + id);
    }
  }

  @Test
  void nonCanonicalOrForeignIdsAreRefusedNamingTheId() {
    for (String bad : List.of("gmail.com#0", "gmail.com#02", "gmail.com#", "gmail.com#x",
        "gmail.com#1000", "gmail.com#-1", "gmail.com#+1", "a#b#1", "#1", "../etc#1", "")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> SubQueueId.parse(bad), bad);
      assertTrue(e.getMessage().contains("invalid"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> SubQueueId.parse(null));
    assertThrows(IllegalArgumentException.class, () -> new SubQueueId("a#b.example", 0));
    assertThrows(IllegalArgumentException.class, () -> new SubQueueId("a.example", -1));
    assertThrows(IllegalArgumentException.class, () -> new SubQueueId("a.example", 1000));
  }

  @Test
  void aMessageAlwaysHashesToTheSameSubQueue() {
    // expected values from an independent CRC-32 (Python's zlib.crc32), so the choice is the
    // same in every JVM and release, not only within this one
    assertEquals(1, SubQueueId.forMessage("d.example", "0123456789ABCDEF", 3).index());
    assertEquals(2, SubQueueId.forMessage("d.example", "01JD5X7Q00000001", 3).index());
    assertEquals(4, SubQueueId.forMessage("d.example", "01JD5X7Q00000001", 7).index());
    assertEquals(0, SubQueueId.forMessage("d.example", "01JD5X7Q00000001", 1).index());
    assertEquals("d.example#2",
        SubQueueId.forMessage("D.example", "01JD5X7Q00000001", 3).entityId());
    assertThrows(IllegalArgumentException.class, () -> SubQueueId.forMessage("d.example", "Q", 0));
    assertThrows(IllegalArgumentException.class, () -> SubQueueId.forMessage("a#b", "Q", 3));
  }

  @Test
  void queueIdsThatDifferOnlyAtTheEndSpreadEvenly() {
    int[] counts = new int[3];
    for (int i = 0; i < 3000; i++) {
      String queueId = "01JD5X7Q" + String.format("%08d", i); // time-ordered ids look like this
      counts[SubQueueId.forMessage("d.example", queueId, 3).index()]++;
    }
    for (int c : counts) {
      assertTrue(c > 850 && c < 1150, "per sub-queue: " + java.util.Arrays.toString(counts));
    }
  }
}

package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.junit.jupiter.api.Test;

/** Shards of queue entities: unchanged for whole domains, distinct for a domain's sub-queues. */
class SubQueueShardsTest {

  static final ShardingMessageExtractor<ShardingEnvelope<DeliveryQueue.Command>, DeliveryQueue.Command>
      PEKKO_DEFAULT = ShardingMessageExtractor.apply(10);

  @Test
  void aWholeDomainKeepsPekkosDefaultShard() {
    SubQueueShards shards = new SubQueueShards(10);
    for (String domain : List.of("gmail.com", "example.org", "d1.example", "b\u00fccher.example",
        "[192.0.2.1]", "a", "very.long.name.of.a.mail.domain.example")) {
      assertEquals(PEKKO_DEFAULT.shardId(domain), shards.shardId(domain), domain);
    }
  }

  @Test
  void theSubQueuesOfADomainAreOnDistinctShards() {
    SubQueueShards shards = new SubQueueShards(10);
    for (String domain : List.of("gmail.com", "outlook.com", "yahoo.com")) {
      Set<String> used = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        used.add(shards.shardId(new SubQueueId(domain, i).entityId()));
      }
      assertEquals(10, used.size(), "10 sub-queues of " + domain + " on 10 shards: " + used);
    }
    int base = Integer.parseInt(PEKKO_DEFAULT.shardId("gmail.com"));
    assertEquals(Integer.toString((base + 3) % 10), shards.shardId("gmail.com#3"));
  }

  @Test
  void anIdThatIsNoSubQueueIdGetsTheDefaultShard() {
    SubQueueShards shards = new SubQueueShards(10);
    for (String odd : List.of("gmail.com#0", "gmail.com#x", "#1", "")) {
      assertEquals(PEKKO_DEFAULT.shardId(odd), shards.shardId(odd), odd);
    }
    assertThrows(IllegalArgumentException.class, () -> new SubQueueShards(0));
  }
}

package relay.persistence.queue;

import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * Shard of a {@link DeliveryQueue} entity: a queue that serves a whole domain (and sub-queue 0)
 * keeps Pekko's default shard (hash of the id modulo the number of shards), so existing queues
 * and their remembered entities stay where they were; sub-queue {@code i} of the domain takes
 * the {@code i}-th shard after it. So the sub-queues of a domain are always on distinct shards
 * (while there are no more of them than shards), and the shard allocation spreads them over the
 * nodes like any other shards. An id that is no sub-queue id gets the default shard.
 */
final class SubQueueShards extends ShardingMessageExtractor<ShardingEnvelope<DeliveryQueue.Command>,
    DeliveryQueue.Command> {

  private final ShardingMessageExtractor<ShardingEnvelope<DeliveryQueue.Command>,
      DeliveryQueue.Command> defaults;
  private final int numberOfShards;

  SubQueueShards(int numberOfShards) {
    if (numberOfShards < 1) {
      throw new IllegalArgumentException("number-of-shards = " + numberOfShards + " is below 1");
    }
    this.defaults = ShardingMessageExtractor.apply(numberOfShards);
    this.numberOfShards = numberOfShards;
  }

  @Override
  public String entityId(ShardingEnvelope<DeliveryQueue.Command> envelope) {
    return defaults.entityId(envelope);
  }

  @Override
  public DeliveryQueue.Command unwrapMessage(ShardingEnvelope<DeliveryQueue.Command> envelope) {
    return defaults.unwrapMessage(envelope);
  }

  @Override
  public String shardId(String entityId) {
    SubQueueId queue;
    try {
      queue = SubQueueId.parse(entityId);
    } catch (IllegalArgumentException e) {
      return defaults.shardId(entityId);
    }
    String first = defaults.shardId(queue.domain());
    if (queue.index() == 0) {
      return first;
    }
    return Integer.toString((Integer.parseInt(first) + queue.index()) % numberOfShards);
  }
}

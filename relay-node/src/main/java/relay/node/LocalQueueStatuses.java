package relay.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import relay.http.metrics.LocalQueues;
import relay.persistence.queue.DeliveryQueue;
import relay.persistence.queue.QueueStatus;

/**
 * The status of every destination queue running on this node, for a metrics scrape: the local
 * shard region lists its entities (no cluster round trip), each is asked {@link
 * DeliveryQueue.GetStatus} (an in-memory read, no journal). A queue that does not answer within
 * the timeout, or that passivated meanwhile, is left out of this scrape; a region that does not
 * answer gives an empty list.
 */
final class LocalQueueStatuses implements LocalQueues {

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Duration timeout;

  LocalQueueStatuses(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<List<QueueStatus>> statuses() {
    return AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
            ShardRegion.CurrentShardRegionState>ask(sharding.shardState(),
            (ActorRef<ShardRegion.CurrentShardRegionState> replyTo) ->
                new GetShardRegionState(DeliveryQueue.TYPE_KEY, replyTo),
            timeout, system.scheduler())
        .thenCompose(this::askEach)
        .exceptionally(e -> List.of());
  }

  private CompletionStage<List<QueueStatus>> askEach(ShardRegion.CurrentShardRegionState region) {
    List<CompletableFuture<QueueStatus>> asks = new ArrayList<>();
    for (ShardRegion.ShardState shard : region.getShards()) {
      for (String entityId : shard.getEntityIds()) {
        asks.add(sharding.entityRefFor(DeliveryQueue.TYPE_KEY, entityId)
            .<QueueStatus>ask(DeliveryQueue.GetStatus::new, timeout)
            .toCompletableFuture()
            .exceptionally(e -> null)); // passivated or too slow: not in this scrape
      }
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(all -> asks.stream().map(CompletableFuture::join).filter(Objects::nonNull)
            .toList());
  }
}

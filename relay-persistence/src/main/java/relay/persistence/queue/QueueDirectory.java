package relay.persistence.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import relay.persistence.CborSerializable;

/**
 * One per node, registered with the receptionist under {@link #KEY}: lists the {@link
 * DeliveryQueue} entities running on this node (its shard region's state) and asks each for a
 * {@link QueueReport}, all local. {@link ShardedQueueService} asks every node's directory and
 * aggregates, which is how a domain's sub-queues are found wherever sharding placed them.
 * A queue with mail waiting is always running (remember-entities; it passivates only when
 * empty), and so is a held one (it never passivates), so the running ones are the whole
 * picture. A queue that does not answer within the timeout is left out of the answer.
 */
public final class QueueDirectory {

  public static final ServiceKey<Command> KEY =
      ServiceKey.create(Command.class, "relay-queue-directory");

  public sealed interface Command extends CborSerializable permits ListQueues {}

  /**
   * Reports of the queues running here, of {@code domain} only when given, each with its first
   * {@code messageLimit} messages.
   */
  public record ListQueues(Optional<String> domain, int messageLimit,
      ActorRef<Listed> replyTo) implements Command {}

  public record Listed(List<QueueReport> reports) implements CborSerializable {

    public Listed {
      reports = List.copyOf(reports);
    }
  }

  private QueueDirectory() {}

  public static Behavior<Command> create(Duration timeout) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
      ClusterSharding sharding = ClusterSharding.get(context.getSystem());
      return Behaviors.receive(Command.class)
          .onMessage(ListQueues.class, cmd -> {
            CompletionStage<ShardRegion.CurrentShardRegionState> region = AskPattern.ask(
                sharding.shardState(),
                replyTo -> new GetShardRegionState(DeliveryQueue.TYPE_KEY, replyTo), timeout,
                context.getSystem().scheduler());
            region.thenCompose(state -> reports(sharding, state, cmd, timeout))
                .whenComplete((List<QueueReport> reports, Throwable err) -> cmd.replyTo()
                    .tell(new Listed(err == null ? reports : List.of())));
            return Behaviors.same();
          })
          .build();
    });
  }

  private static CompletableFuture<List<QueueReport>> reports(ClusterSharding sharding,
      ShardRegion.CurrentShardRegionState state, ListQueues cmd, Duration timeout) {
    List<CompletableFuture<Optional<QueueReport>>> asks = new ArrayList<>();
    for (ShardRegion.ShardState shard : state.getShards()) {
      for (String entityId : shard.getEntityIds()) {
        if (cmd.domain().isPresent() && !domainOf(entityId).equals(cmd.domain())) {
          continue;
        }
        asks.add(sharding.entityRefFor(DeliveryQueue.TYPE_KEY, entityId)
            .<QueueReport>ask(replyTo -> new DeliveryQueue.Inspect(cmd.messageLimit(), replyTo),
                timeout)
            .toCompletableFuture().thenApply(Optional::of)
            .exceptionally(e -> Optional.empty()));
      }
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(ok -> asks.stream().map(CompletableFuture::join).flatMap(Optional::stream)
            .toList());
  }

  private static Optional<String> domainOf(String entityId) {
    try {
      return Optional.of(SubQueueId.parse(entityId).domain());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}

package relay.persistence.quota;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import relay.protocol.server.EnvelopeRefusal;

/**
 * The node's way to the clients' recipient quotas: one {@link QuotaLedger} per client that has a
 * quota and sent through this node, each leasing from the client's {@link QuotaEntity}. {@link
 * #count} is what RCPT calls: no I/O, a lock held for a few field updates.
 *
 * <p>Memory: one small ledger per client with a quota that used this node (the registry bounds
 * the number of clients).
 */
public final class QuotaLeases {

  private final Function<String, EntityRef<QuotaEntity.Command>> entities;
  private final QuotaSettings settings;
  private final Clock clock;
  private final Map<String, QuotaLedger> ledgers = new ConcurrentHashMap<>();

  private QuotaLeases(Function<String, EntityRef<QuotaEntity.Command>> entities,
      QuotaSettings settings, Clock clock) {
    this.entities = entities;
    this.settings = settings;
    this.clock = clock;
  }

  /** Starts the {@link QuotaEntity} sharding on this node. */
  public static QuotaLeases start(ActorSystem<?> system, QuotaSettings settings, Clock clock) {
    QuotaEntity.init(system, settings, clock);
    ClusterSharding sharding = ClusterSharding.get(system);
    return new QuotaLeases(client -> sharding.entityRefFor(QuotaEntity.TYPE_KEY, client),
        settings, clock);
  }

  /**
   * Counts one recipient of {@code client} under {@code limits}: empty when accepted, else the
   * refusal (452 4.5.3 with the reset, or 451 4.3.0 when the quota cannot be confirmed in time).
   * A client without a quota is not counted.
   */
  public Optional<EnvelopeRefusal> count(String client, QuotaLimits limits) {
    if (limits.isNone()) {
      return Optional.empty();
    }
    return ledger(client).take(clock.instant(), limits);
  }

  /**
   * Asks for the client's lease ahead of its first RCPT (at connect), when this node has no
   * answer for the current hour yet; never waits.
   */
  public void prepare(String client, QuotaLimits limits) {
    if (!limits.isNone()) {
      ledger(client).prepare(clock.instant(), limits);
    }
  }

  /** The current windows' counts of {@code client} as its entity has them. */
  public CompletionStage<QuotaEntity.Usage> usage(String client, QuotaLimits limits) {
    return entities.apply(client).ask(replyTo -> new QuotaEntity.GetUsage(limits, replyTo),
        settings.askTimeout());
  }

  private QuotaLedger ledger(String client) {
    return ledgers.computeIfAbsent(client, c -> new QuotaLedger(new QuotaLedger.Entity() {
      @Override
      public CompletionStage<QuotaEntity.Lease> lease(QuotaLimits limits, int borrowed) {
        return entities.apply(c).ask(
            replyTo -> new QuotaEntity.RequestLease(limits, borrowed, replyTo),
            settings.askTimeout());
      }

      @Override
      public void giveBack(Instant hour, int count) {
        entities.apply(c).tell(new QuotaEntity.ReturnLease(hour, count));
      }
    }, settings.maxBorrow(), settings.usedUpRecheck()));
  }
}

package relay.node;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import relay.node.config.StorageSettings;
import relay.persistence.queue.OrphanSweep;
import relay.persistence.queue.OrphanSweepSettings;
import relay.persistence.queue.QueueSettings;
import relay.persistence.spool.Spool;
import relay.persistence.spool.SpoolScan;

/**
 * Runs the {@link OrphanSweep} every {@code relay.queue.orphan-sweep.interval} on the blocking
 * I/O executor, one round at a time. With the database spool every node sees every body, so only
 * the oldest Up member sweeps (during a membership change two nodes may both sweep for a round:
 * harmless, a release is idempotent and the asks only read); a file spool is this node's own.
 */
final class OrphanSweeper {

  private static final Logger LOG = LoggerFactory.getLogger(OrphanSweeper.class);

  private final OrphanSweep sweep;
  private final BooleanSupplier thisNodeSweeps;
  private final Executor io;
  private final AtomicBoolean running = new AtomicBoolean();

  private OrphanSweeper(OrphanSweep sweep, BooleanSupplier thisNodeSweeps, Executor io) {
    this.sweep = sweep;
    this.thisNodeSweeps = thisNodeSweeps;
    this.io = io;
  }

  /**
   * Schedules the rounds (stopped by the node's coordinated shutdown); empty when the sweep is
   * off or the spool cannot be listed.
   */
  static Optional<Cancellable> start(ActorSystem<?> system, Spool spool,
      StorageSettings.SpoolKind kind, QueueSettings queues, OrphanSweepSettings settings,
      Executor io) {
    if (!settings.enabled() || !(spool instanceof SpoolScan scan)) {
      return Optional.empty();
    }
    OrphanSweep sweep = new OrphanSweep(scan, spool, queues, settings,
        OrphanSweep.viaSharding(system, settings.askTimeout()), Clock.systemUTC());
    BooleanSupplier sweeps = kind == StorageSettings.SpoolKind.FILE ? () -> true
        : () -> isOldestUpMember(Cluster.get(system));
    OrphanSweeper sweeper = new OrphanSweeper(sweep, sweeps, io);
    Cancellable rounds = system.scheduler().scheduleWithFixedDelay(settings.interval(),
        settings.interval(), sweeper::round, system.executionContext());
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(),
        "relay-orphan-sweep-stop", () -> {
          rounds.cancel();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    return Optional.of(rounds);
  }

  private void round() {
    if (!thisNodeSweeps.getAsBoolean() || !running.compareAndSet(false, true)) {
      return;
    }
    io.execute(() -> {
      try {
        sweep.runRound();
      } catch (Exception e) {
        LOG.warn("orphan sweep: round failed, next in one interval: {}", e.toString());
      } finally {
        running.set(false);
      }
    });
  }

  private static boolean isOldestUpMember(Cluster cluster) {
    Member self = cluster.selfMember();
    if (self.status() != MemberStatus.up()) {
      return false;
    }
    for (Member m : cluster.state().getMembers()) {
      if (m.status() == MemberStatus.up() && m.isOlderThan(self)) {
        return false;
      }
    }
    return true;
  }
}

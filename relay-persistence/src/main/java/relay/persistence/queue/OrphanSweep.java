package relay.persistence.queue;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import relay.persistence.spool.Spool;
import relay.persistence.spool.SpoolScan;

/**
 * Reclaims spool entries that no queue refers to: bodies committed whose enqueue never happened
 * (a crash between the spool's commit and the queue's write) or whose release was lost (an
 * enqueue refused or of unknown outcome, a crash between a queue's last event and its release).
 *
 * <p>A round lists at most about {@code max-entries-per-round} entries older than {@code
 * min-age} ({@link SpoolScan}, continuing where the previous round stopped) and asks, for each,
 * every sub-queue of its domain that could hold it ({@link DeliveryQueue.HoldsEntry}: the
 * configured count, at least {@code min-sub-queues-asked}; the gateway picks among them by the
 * message's fingerprint, which the spool does not know). The entry is released only when every
 * one answered that it does not hold it; a queue that does not answer within {@code ask-timeout}
 * or an ask that fails keeps it until a later round. {@code min-age} is far above the longest an
 * enqueue can take after its body was committed, so no enqueue is on its way for an entry looked
 * at. Each round logs one INFO line with its figures.
 *
 * <p>Rounds must not overlap (the caller runs them one after the other); a round blocks, so it
 * runs on a blocking executor. Which node runs it is the caller's choice: with a database spool
 * every node sees every body, so one node is enough; a file spool is each node's own.
 */
public final class OrphanSweep {

  /** Entries whose queues are asked at once. */
  static final int PARALLEL_ASKS = 16;

  private static final Logger LOG = LoggerFactory.getLogger(OrphanSweep.class);

  /** Asks one queue whether it holds a spool entry; fails or never completes when it cannot. */
  @FunctionalInterface
  public interface Asker {
    CompletionStage<Boolean> holds(SubQueueId queue, String queueId);
  }

  /**
   * The figures of one round.
   *
   * @param scanned entries older than min-age looked at
   * @param removed released: no queue holds them
   * @param held kept: a queue holds them
   * @param unanswered kept: a queue did not answer (or the ask or the release failed)
   * @param completedPass this round reached the end of the spool; the next starts again
   */
  public record Round(int scanned, int removed, int held, int unanswered, boolean completedPass) {}

  private enum Verdict { HELD, FREE, UNKNOWN }

  private final SpoolScan scan;
  private final Spool spool;
  private final QueueSettings queues;
  private final OrphanSweepSettings settings;
  private final Asker asker;
  private final Clock clock;
  private Optional<String> cursor = Optional.empty();

  public OrphanSweep(SpoolScan scan, Spool spool, QueueSettings queues,
      OrphanSweepSettings settings, Asker asker, Clock clock) {
    this.scan = scan;
    this.spool = spool;
    this.queues = queues;
    this.settings = settings;
    this.asker = asker;
    this.clock = clock;
  }

  /** Asks the sharded {@link DeliveryQueue} entities, each ask bounded by {@code timeout}. */
  public static Asker viaSharding(ActorSystem<?> system, Duration timeout) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return (queue, queueId) -> sharding.entityRefFor(DeliveryQueue.TYPE_KEY, queue.entityId())
        .<DeliveryQueue.EntryHeld>ask(replyTo -> new DeliveryQueue.HoldsEntry(queueId, replyTo),
            timeout)
        .thenApply(DeliveryQueue.EntryHeld::held);
  }

  /**
   * One round: lists, asks, releases.
   *
   * @throws IOException when the spool cannot be listed (nothing is released)
   */
  public Round runRound() throws IOException {
    Instant cutoff = clock.instant().minus(settings.minAge());
    SpoolScan.Page page = scan.scan(cursor, cutoff, settings.maxEntriesPerRound());
    cursor = page.next();
    int removed = 0;
    int held = 0;
    int unanswered = 0;
    List<SpoolScan.Entry> entries = page.entries();
    for (int from = 0; from < entries.size(); from += PARALLEL_ASKS) {
      List<SpoolScan.Entry> group = entries.subList(from,
          Math.min(entries.size(), from + PARALLEL_ASKS));
      List<CompletableFuture<Verdict>> verdicts = new ArrayList<>(group.size());
      for (SpoolScan.Entry e : group) {
        verdicts.add(verdict(e));
      }
      for (int i = 0; i < group.size(); i++) {
        Verdict v = verdicts.get(i).join();
        if (v == Verdict.HELD) {
          held++;
        } else if (v == Verdict.UNKNOWN || !release(group.get(i))) {
          unanswered++;
        } else {
          removed++;
        }
      }
    }
    Round round = new Round(entries.size(), removed, held, unanswered, cursor.isEmpty());
    LOG.info("orphan sweep: {} spool entries older than {} scanned, {} removed (no queue holds "
        + "them), {} held by a queue, {} kept unanswered{}", round.scanned(), settings.minAge(),
        round.removed(), round.held(), round.unanswered(),
        round.completedPass() ? "; pass complete" : "");
    return round;
  }

  /** HELD if any sub-queue holds it, FREE if all answered no, else UNKNOWN. Never fails. */
  private CompletableFuture<Verdict> verdict(SpoolScan.Entry entry) {
    List<CompletableFuture<Boolean>> answers = new ArrayList<>();
    try {
      int n = Math.max(queues.shapingFor(entry.domain()).subQueues(),
          settings.minSubQueuesAsked());
      for (int i = 0; i < n; i++) {
        answers.add(ask(new SubQueueId(entry.domain(), i), entry.queueId()));
      }
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(Verdict.UNKNOWN); // not a queue's domain
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).handle((ok, err) -> {
      if (answers.stream().anyMatch(a -> !a.isCompletedExceptionally() && a.join())) {
        return Verdict.HELD;
      }
      return err == null ? Verdict.FREE : Verdict.UNKNOWN;
    });
  }

  private CompletableFuture<Boolean> ask(SubQueueId queue, String queueId) {
    try {
      return asker.holds(queue, queueId).toCompletableFuture()
          .orTimeout(settings.askTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private boolean release(SpoolScan.Entry entry) {
    try {
      spool.release(entry.queueId(), entry.domain());
      LOG.info("{} @ {}: orphaned spool entry (committed {}) removed", entry.queueId(),
          entry.domain(), entry.committedAt());
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("{} @ {}: orphaned spool entry not removed: {}", entry.queueId(), entry.domain(),
          e.toString());
      return false;
    }
  }
}

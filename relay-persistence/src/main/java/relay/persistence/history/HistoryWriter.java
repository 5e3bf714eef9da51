package relay.persistence.history;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the message history in batches, off the acceptance path: {@link #record} only offers
 * the entry to a bounded in-memory buffer and returns; one background thread writes what the
 * buffer holds every relay.history.flush-interval (200 ms), relay.history.batch-size entries per
 * transaction, and deletes history older than relay.history.retention in small batches between
 * flushes.
 *
 * <p>Why batched writes from the event-log path and not a projection of the journal: the events
 * are already at hand where the JSON event log is written (the acceptance with its client and
 * source address, which the queue journal does not carry, and each persisted outcome with its
 * remote reply); the queue journal deletes its events at each snapshot, so a projection that fell
 * behind would lose them; and this build has no projection library (offset store). What it
 * costs: the history is best effort. When the buffer is full (the database is slow or down for
 * longer than the buffer lasts) new entries are dropped and counted, with a warning at most every
 * 10 seconds, rather than slow mail; entries in the buffer when the process dies are lost. A
 * batch the database refuses is retried at each flush (while the buffer fills behind it) and
 * dropped (counted) after {@value #ATTEMPTS_BEFORE_DROP} failures in a row: a database down for
 * long, or a batch it will never take (a duplicate message id, after a commit whose answer was
 * lost but which did happen).
 */
public final class HistoryWriter implements MessageHistory, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryWriter.class);

  static final int ATTEMPTS_BEFORE_DROP = 10;
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final HistoryStore store;
  private final HistorySettings settings;
  private final Clock clock;
  private final ArrayBlockingQueue<HistoryRecord> buffer;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong purged = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  // writer thread only
  private List<HistoryRecord> failedBatch = List.of();
  private int failures;
  private long droppedReported;
  private long lastWarnNanos = System.nanoTime() - WARN_EVERY_NANOS;
  private long nextPurgeNanos;

  HistoryWriter(HistoryStore store, HistorySettings settings, Clock clock) {
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.buffer = new ArrayBlockingQueue<>(settings.bufferSize());
    this.thread = new Thread(this::run, "relay-history-writer");
    this.thread.setDaemon(true);
    this.nextPurgeNanos = System.nanoTime(); // the first purge right after the first flush
  }

  /** A writer whose thread runs until {@link #close}. */
  public static HistoryWriter start(HistoryStore store, HistorySettings settings, Clock clock) {
    HistoryWriter writer = new HistoryWriter(store, settings, clock);
    writer.thread.start();
    return writer;
  }

  /** Never blocks: a full buffer drops the entry and counts it. */
  @Override
  public void record(HistoryRecord entry) {
    if (!buffer.offer(entry)) {
      dropped.incrementAndGet();
    }
  }

  /** Entries dropped because the buffer was full, since the start. */
  public long dropped() {
    return dropped.get();
  }

  /** Entries written to the database, since the start. */
  public long written() {
    return written.get();
  }

  /** Messages whose history the retention purge deleted, since the start. */
  public long purged() {
    return purged.get();
  }

  /** Entries waiting to be written. */
  public int buffered() {
    return buffer.size() + failedBatch.size();
  }

  /** Writes what is buffered (at most a few seconds more), then stops the thread. */
  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("relay.history: writer still busy at shutdown; {} entries not written",
          buffered());
      thread.interrupt();
    }
  }

  private void run() {
    long interval = settings.flushInterval().toNanos();
    while (running) {
      LockSupport.parkNanos(this, interval);
      step();
    }
    flushAll(); // what came before close
    reportDropped(true);
    LOG.info("relay.history: writer stopped; {} entries written, {} dropped, {} messages purged"
        + " since the start", written.get(), dropped.get(), purged.get());
  }

  /** One round of the thread: a flush, a purge batch when one is due, warnings. */
  void step() {
    try {
      flushAll();
      purgeIfDue();
    } catch (RuntimeException e) {
      LOG.error("relay.history: writer round failed", e);
    }
    reportDropped(false);
  }

  /** Writes the buffer in batches; stops at the first batch the database refuses. */
  void flushAll() {
    if (!failedBatch.isEmpty() && !writeFailedBatch()) {
      return;
    }
    List<HistoryRecord> batch = new ArrayList<>(Math.min(settings.batchSize(), 1024));
    while (buffer.drainTo(batch, settings.batchSize()) > 0) {
      if (!write(batch)) {
        failedBatch = List.copyOf(batch);
        failures = 1;
        return;
      }
      batch.clear();
    }
  }

  private boolean write(List<HistoryRecord> batch) {
    try {
      store.write(batch);
      written.addAndGet(batch.size());
      return true;
    } catch (SQLException | RuntimeException e) {
      warn("relay.history: writing {} entries failed, kept for the next try: {}", batch.size(),
          e.toString());
      return false;
    }
  }

  private boolean writeFailedBatch() {
    if (write(failedBatch)) {
      failedBatch = List.of();
      return true;
    }
    if (++failures < ATTEMPTS_BEFORE_DROP) {
      return false;
    }
    dropped.addAndGet(failedBatch.size());
    LOG.warn("relay.history: {} entries dropped after {} failed writes", failedBatch.size(),
        failures);
    failedBatch = List.of();
    return false;
  }

  private void purgeIfDue() {
    if (System.nanoTime() - nextPurgeNanos < 0 || !failedBatch.isEmpty()) {
      return;
    }
    try {
      int n = store.purge(clock.instant().minus(settings.retention()), settings.purgeBatch());
      purged.addAndGet(n);
      if (n < settings.purgeBatch()) { // nothing older left: next look after the interval
        nextPurgeNanos = System.nanoTime() + settings.purgeInterval().toNanos();
      }
    } catch (SQLException | RuntimeException e) {
      warn("relay.history: retention purge failed, retried in {}: {}", settings.purgeInterval(),
          e.toString());
      nextPurgeNanos = System.nanoTime() + settings.purgeInterval().toNanos();
    }
  }

  private void reportDropped(boolean now) {
    long total = dropped.get();
    if (total > droppedReported && (now || System.nanoTime() - lastWarnNanos >= WARN_EVERY_NANOS)) {
      LOG.warn("relay.history: {} history entries dropped (buffer of {} full, {} in all): mail "
          + "is not slowed, its history is incomplete", total - droppedReported,
          settings.bufferSize(), total);
      droppedReported = total;
      lastWarnNanos = System.nanoTime();
    }
  }

  private void warn(String format, Object... args) {
    if (System.nanoTime() - lastWarnNanos >= WARN_EVERY_NANOS) {
      LOG.warn(format, args);
      lastWarnNanos = System.nanoTime();
    }
  }
}

package relay.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the node's storage works, checked every {@link #INTERVAL} on a thread of its own and
 * read by the health checks without waiting: the check itself blocks (a database that stops
 * answering holds it for the pool's connection timeout), and the health routes run on the
 * default pool, which must never block. Checks the database (a valid pooled connection) and,
 * where the node writes files (H2, file spool), that the data directory takes a 4 KiB write: a
 * full disk turns the node not ready, so that a load balancer sends mail elsewhere.
 */
final class StorageProbe implements AutoCloseable {

  static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(StorageProbe.class);
  private static final int PROBE_BYTES = 4096;

  private final DataSource dataSource;
  private final Optional<Path> writableDir;
  private final ScheduledExecutorService thread;
  private volatile boolean healthy = true;

  /** Starts checking; {@code writableDir} is where a file write must succeed, if anywhere. */
  StorageProbe(DataSource dataSource, Optional<Path> writableDir) {
    this.dataSource = dataSource;
    this.writableDir = writableDir;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "relay-storage-probe");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::check, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The last check's result: the database answered and the data directory took a write. */
  boolean healthy() {
    return healthy;
  }

  private void check() {
    boolean now = databaseAnswers() && directoryTakesAWrite();
    if (now != healthy) {
      if (now) {
        LOG.info("storage: healthy again");
      } else {
        LOG.warn("storage: failing (database unreachable or data directory not writable)");
      }
    }
    healthy = now;
  }

  private boolean databaseAnswers() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(2);
    } catch (Exception e) {
      return false;
    }
  }

  private boolean directoryTakesAWrite() {
    if (writableDir.isEmpty()) {
      return true;
    }
    Path probe = writableDir.get().resolve(".storage-probe");
    try {
      try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer page = ByteBuffer.allocate(PROBE_BYTES);
        while (page.hasRemaining()) {
          ch.write(page);
        }
        ch.force(false); // tmpfs and most file systems reserve blocks by now; some only here
      }
      return true;
    } catch (IOException e) {
      return false;
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException ignored) {
        // tried again at the next check
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}

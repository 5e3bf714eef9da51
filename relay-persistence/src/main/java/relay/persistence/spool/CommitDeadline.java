package relay.persistence.spool;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A timer on one database commit of the spool: when the commit has not finished by the deadline,
 * its connection is aborted ({@link Connection#abort}: the driver closes the socket), which makes
 * the blocked call fail at once. A socket read timeout alone does not bound a commit: a server
 * that stops reading leaves the driver blocked in a socket write, which has no timeout, for as
 * long as TCP keeps the connection (with a black-holed peer, about 15 minutes on Linux). The pool
 * drops the aborted connection.
 *
 * <p>One daemon thread for every spool of the JVM; arming costs one scheduled task per commit.
 */
final class CommitDeadline implements AutoCloseable {

  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "relay-spool-commit-deadline");
    t.setDaemon(true);
    return t;
  });

  private final ScheduledFuture<?> timer;
  private final AtomicBoolean fired = new AtomicBoolean();

  private CommitDeadline(Connection connection, Duration timeout) {
    this.timer = TIMER.schedule(() -> {
      fired.set(true);
      try {
        connection.abort(Runnable::run);
      } catch (SQLException | RuntimeException ignored) {
        // the connection is broken either way; the blocked call fails or has already returned
      }
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Starts the timer for work on {@code connection}; close it when the work is done. */
  static CommitDeadline arm(Connection connection, Duration timeout) {
    return new CommitDeadline(connection, timeout);
  }

  /** Whether the deadline passed and the connection was aborted. */
  boolean expired() {
    return fired.get();
  }

  @Override
  public void close() {
    timer.cancel(false);
  }
}

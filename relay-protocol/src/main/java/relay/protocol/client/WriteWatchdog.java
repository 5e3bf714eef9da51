package relay.protocol.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long one socket write may block (RFC 5321 4.5.3.2.5, "data block": 3 minutes per
 * TCP send). A blocking {@link Socket} has read timeouts but no write timeout, so a server that
 * stops reading would hold the thread for ever. This stream notes when each write to the socket
 * began; a shared daemon thread checks every open connection a few times per timeout and closes
 * the socket under a write that has blocked too long, which makes the write fail. The same check
 * ends a write still blocked when the attempt's {@link Deadline} passes, and a write that would
 * start after it fails at once, so a server that reads a byte now and then cannot stretch the
 * data transfer past the attempt's bound either.
 */
final class WriteWatchdog extends OutputStream {

  private static final ScheduledExecutorService CHECKER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "smtp-client-write-watchdog");
    t.setDaemon(true);
    return t;
  });

  private final OutputStream out;
  private final Socket socket;
  private final long timeoutNanos;
  private final ScheduledFuture<?> check;
  /** System.nanoTime() when the current write began; 0 when no write is in progress. */
  private volatile long writeStarted;
  private volatile boolean fired;
  private volatile boolean attemptExpired;
  private volatile Deadline attempt;

  WriteWatchdog(OutputStream out, Socket socket, Duration timeout, Deadline attempt) {
    this.out = out;
    this.socket = socket;
    this.timeoutNanos = timeout.toNanos();
    this.attempt = attempt;
    long period = Math.max(1, Math.min(timeout.toMillis() / 4, 500));
    this.check = CHECKER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  /** True once the watchdog closed the socket under a blocked write (or refused one, expired). */
  boolean fired() {
    return fired;
  }

  /** True when what {@link #fired()} was the attempt's deadline, not data-block-timeout. */
  boolean attemptExpired() {
    return attemptExpired;
  }

  /** Writes from now on must also end by {@code deadline} (the current attempt's). */
  void bound(Deadline deadline) {
    this.attempt = deadline;
  }

  /**
   * Closes {@code socket} when {@code deadline} passes, unless the returned future is cancelled
   * first: bounds a TLS handshake, whose reads a server could otherwise drip out for ever.
   */
  static ScheduledFuture<?> closeAt(Socket socket, Deadline deadline) {
    return CHECKER.schedule(() -> {
      try {
        socket.close();
      } catch (IOException ignored) {
        // the blocked handshake fails either way
      }
    }, Math.max(1, deadline.waitMillis()), TimeUnit.MILLISECONDS);
  }

  /** Stops watching; call when the connection closes. */
  void stop() {
    check.cancel(false);
  }

  @Override
  public void write(int b) throws IOException {
    begin();
    try {
      out.write(b);
    } finally {
      writeStarted = 0;
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    begin();
    try {
      out.write(b, off, len);
    } finally {
      writeStarted = 0;
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    stop();
    out.close();
  }

  private void begin() throws IOException {
    if (attempt.expired()) {
      fired = true;
      attemptExpired = true;
      throw new SocketTimeoutException("attempt deadline passed");
    }
    long now = System.nanoTime();
    writeStarted = now == 0 ? 1 : now;
  }

  private void check() {
    long started = writeStarted;
    if (started == 0) {
      return;
    }
    boolean blockTimeout = System.nanoTime() - started > timeoutNanos;
    if (blockTimeout || attempt.expired()) {
      attemptExpired = !blockTimeout;
      fired = true;
      stop();
      try {
        socket.close();
      } catch (IOException ignored) {
        // the blocked write fails either way
      }
    }
  }
}

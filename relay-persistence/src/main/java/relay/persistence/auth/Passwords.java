package relay.persistence.auth;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link PasswordHasher} on threads of its own, with a bounded queue: hashing for the API and
 * verification for SMTP AUTH never run on a dispatcher that carries sessions or requests, and a
 * flood of logins cannot queue work without bound. When {@code threads} are busy and {@code
 * queue} tasks wait, a new one is refused at once: its stage fails with {@link
 * RejectedExecutionException} (SMTP answers 454 4.7.0, the API 503), it does not wait.
 */
public final class Passwords implements AutoCloseable {

  private final PasswordHasher hasher;
  private final ThreadPoolExecutor executor;

  public Passwords(PasswordHasher hasher, int threads, int queue) {
    if (threads < 1 || queue < 1) {
      throw new IllegalArgumentException("threads and queue must be at least 1");
    }
    this.hasher = hasher;
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queue), r -> {
          Thread t = new Thread(r, "relay-passwords-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    this.executor.allowCoreThreadTimeOut(true);
  }

  /** A new password ({@link PasswordHasher#generate}); cheap, on the caller's thread. */
  public String generate() {
    return hasher.generate();
  }

  /** The PHC string of {@code password}. */
  public CompletionStage<String> hash(String password) {
    return run(() -> hasher.hash(password));
  }

  /** Whether {@code password} matches {@code phc}. */
  public CompletionStage<Boolean> verify(String password, String phc) {
    return run(() -> hasher.verify(password, phc));
  }

  /** False, after as much work as a real verification (an unknown username). */
  public CompletionStage<Boolean> verifyUnknown(String password) {
    return run(() -> hasher.verifyUnknown(password));
  }

  /** Tasks waiting for a thread now. */
  public int queued() {
    return executor.getQueue().size();
  }

  private <T> CompletionStage<T> run(java.util.function.Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new RejectedExecutionException(
          "password hashing is busy (relay.auth.verify queue full)"));
    }
  }

  /** Stops the threads; work already queued is dropped. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}

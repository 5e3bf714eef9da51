package relay.persistence;

import java.util.concurrent.Executor;

/**
 * Runs the continuation of an actor ask on the thread that completed it.
 *
 * <p>The stage Pekko's Java ask returns runs its non-async continuations ({@code thenApply},
 * {@code handle}, ...) on the common fork-join pool: a thread hop, and usually a wake-up, per
 * reply for a few microseconds of work. Continuations given this executor must be short and
 * never block.
 */
public final class OnReplyingThread {

  /** The executor: runs the task at once, on the calling thread. */
  public static final Executor EXECUTOR = Runnable::run;

  private OnReplyingThread() {}
}

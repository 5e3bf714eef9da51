package relay.persistence.dispatch;

import java.time.Duration;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A thread pool that grows with the work actually running, not with the tasks submitted: a task
 * goes to an idle thread when one is waiting, otherwise a new thread starts, up to {@code
 * maxThreads}; beyond that, tasks wait in an unbounded queue. Threads idle for {@code keepAlive}
 * end, down to none.
 *
 * <p>A plain {@link ThreadPoolExecutor} cannot do this: with an unbounded queue it never grows
 * past its core size, and below the core size it starts a new thread for every task submitted,
 * even when others are idle, so a large core size means that many threads as soon as traffic
 * flows. Here the queue's {@code offer} only hands a task to a thread already waiting for one
 * ({@link LinkedTransferQueue#tryTransfer}); when none waits, the executor starts a thread; at
 * the cap the rejection handler queues the task, which a busy thread takes when it is done (the
 * scheme of Tomcat's and Elasticsearch's scaling executors).
 */
public final class ElasticThreadPool extends ThreadPoolExecutor {

  private ElasticThreadPool(int maxThreads, Duration keepAlive, HandOffQueue queue, ThreadFactory threads) {
    super(0, maxThreads, keepAlive.toNanos(), TimeUnit.NANOSECONDS, queue, threads, (task, pool) -> {
      if (pool.isShutdown()) {
        throw new RejectedExecutionException("pool shut down");
      }
      queue.enqueue(task);
    });
  }

  /** A pool of at most {@code maxThreads} threads from {@code threads}. */
  public static ElasticThreadPool create(int maxThreads, Duration keepAlive, ThreadFactory threads) {
    if (maxThreads < 1) {
      throw new IllegalArgumentException("maxThreads < 1: " + maxThreads);
    }
    if (keepAlive.isNegative() || keepAlive.isZero()) {
      throw new IllegalArgumentException("keepAlive must be positive: " + keepAlive);
    }
    return new ElasticThreadPool(maxThreads, keepAlive, new HandOffQueue(), threads);
  }

  /** Tasks go only to a thread waiting for one; the rest is queued by the rejection handler. */
  private static final class HandOffQueue extends LinkedTransferQueue<Runnable> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean offer(Runnable task) {
      return tryTransfer(task);
    }

    void enqueue(Runnable task) {
      super.offer(task);
    }
  }
}

package relay.persistence.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The pool grows with the tasks running at once, not with the tasks submitted, stops at its cap
 * without refusing work, and shrinks when idle.
 */
class ElasticThreadPoolTest {

  @Test
  void sequentialTasksReuseOneThread() throws Exception {
    ElasticThreadPool pool = ElasticThreadPool.create(64, Duration.ofSeconds(30), Executors.defaultThreadFactory());
    try {
      for (int i = 0; i < 500; i++) {
        pool.submit(() -> { }).get(5, TimeUnit.SECONDS);
      }
      // A task that finishes may complete its future just before its thread is back waiting for
      // work, so a few extra threads can start; never one per task.
      assertTrue(pool.getLargestPoolSize() <= 8,
          "a plain ThreadPoolExecutor with 64 core threads would have started 64: " + pool.getLargestPoolSize());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void blockingTasksEachGetAThreadUpToTheCapAndTheRestWait() throws Exception {
    ElasticThreadPool pool = ElasticThreadPool.create(40, Duration.ofSeconds(30), Executors.defaultThreadFactory());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(40);
    AtomicInteger done = new AtomicInteger();
    try {
      for (int i = 0; i < 50; i++) {
        pool.execute(() -> {
          started.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          done.incrementAndGet();
        });
      }
      assertTrue(started.await(10, TimeUnit.SECONDS), "40 blocking tasks run at once");
      assertEquals(40, pool.getPoolSize());
      assertEquals(10, pool.getQueue().size(), "beyond the cap, tasks wait instead of being refused");
      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (done.get() < 50 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(50, done.get());
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void idleThreadsEnd() throws Exception {
    ElasticThreadPool pool = ElasticThreadPool.create(8, Duration.ofMillis(200), Executors.defaultThreadFactory());
    CountDownLatch release = new CountDownLatch(1);
    try {
      for (int i = 0; i < 4; i++) {
        pool.execute(() -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      }
      Thread.sleep(100);
      assertEquals(4, pool.getPoolSize());
      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (pool.getPoolSize() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(0, pool.getPoolSize());
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }
}

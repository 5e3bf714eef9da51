package relay.http.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import relay.protocol.reply.Replies;
import relay.protocol.server.ClientIdentity;
import relay.protocol.server.RefusalReason;
import relay.protocol.server.SessionRefusal;

/**
 * The hot-path side of the metrics: threads counting at once lose nothing (the counters are
 * lock-free adds, no lock to order them), and what one count costs is printed (not asserted:
 * a loaded CI machine would make any bound flaky).
 */
class RelayMetricsTest {

  private static final int THREADS = 4;
  private static final int PER_THREAD = 200_000;

  private static final SessionRefusal SIZE = new SessionRefusal(SessionRefusal.Stage.DATA,
      RefusalReason.SIZE, ClientIdentity.registered("192.0.2.7", "app-1"), Optional.of("a@x.test"),
      List.of("b@y.test"), Optional.empty(), Replies.MESSAGE_TOO_BIG);

  private static MetricSnapshot named(RelayMetrics metrics, String name) {
    return metrics.snapshot().stream().filter(s -> s.getMetadata().getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError(name));
  }

  private static double counter(RelayMetrics metrics, String name) {
    return ((CounterSnapshot) named(metrics, name)).getDataPoints().get(0).getValue();
  }

  @Test
  void concurrentCountsAreExactAndCheap() throws Exception {
    RelayMetrics metrics = new RelayMetrics();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Long>> nanos = new java.util.ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        nanos.add(pool.submit(() -> {
          start.await();
          long began = System.nanoTime();
          for (int i = 0; i < PER_THREAD; i++) {
            metrics.accepted(2, 3_000_000 + i % 1000);
            metrics.refused(SIZE);
            metrics.delivered(1);
          }
          return System.nanoTime() - began;
        }));
      }
      start.countDown();
      long total = 0;
      for (Future<Long> f : nanos) {
        total += f.get(2, TimeUnit.MINUTES);
      }
      long n = (long) THREADS * PER_THREAD;
      assertEquals(n, counter(metrics, "relay_smtp_accepted_messages"));
      assertEquals(2.0 * n, counter(metrics, "relay_smtp_accepted_recipients"));
      assertEquals(n, counter(metrics, "relay_delivered_recipients"));
      CounterSnapshot refusals = (CounterSnapshot) named(metrics, "relay_smtp_refusals");
      for (CounterSnapshot.CounterDataPointSnapshot p : refusals.getDataPoints()) {
        assertEquals(p.getLabels().get("reason").equals("size") ? n : 0, p.getValue(),
            p.getLabels().toString());
      }
      HistogramSnapshot.HistogramDataPointSnapshot latency = ((HistogramSnapshot) named(metrics,
          "relay_smtp_accept_duration_seconds")).getDataPoints().get(0);
      assertEquals(n, latency.getCount());
      // every observation was 3 ms: all in the (0.0025, 0.005] bucket (snapshot counts per bucket)
      assertEquals(0.005, latency.getClassicBuckets().getUpperBound(2));
      assertEquals(n, latency.getClassicBuckets().getCount(2));
      System.out.printf("RelayMetricsTest: %d threads, %.0f ns per accepted+refused+delivered%n",
          THREADS, (double) total / n);
    } finally {
      pool.shutdownNow();
    }
  }
}

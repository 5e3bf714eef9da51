package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import relay.testing.ReceivedMessage;

/**
 * A partitioned minority: one of three nodes is frozen with SIGSTOP for longer than failure
 * detection plus the Split Brain Resolver's stable-after. The majority downs it and runs its
 * queues (mail pending at the freeze flows again within 30 s); when the frozen node wakes it
 * learns it was downed and stops itself. Every message that got 250 arrives.
 */
class ClusterPartitionTest {

  @Test
  void aFrozenMinorityIsDownedAndItsQueuesRunOnTheMajority() throws Exception {
    try (ClusterFixture cluster = ClusterFixture.start(3, 20, "")) {
      Injector injector = new Injector(cluster.smtpAddresses(), "freeze", cluster.domains);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<Injector.Result> sending = pool.submit(() -> injector.send(Integer.MAX_VALUE, 12));
      Thread.sleep(8_000);

      int frozen = 2;
      Instant frozenAt = Instant.now();
      cluster.node(frozen).freeze();
      int acceptedAtFreeze = injector.acceptedCount();
      Thread.sleep(30_000);
      cluster.node(frozen).thaw();
      assertTrue(cluster.node(frozen).awaitExit(Duration.ofSeconds(60)),
          "the downed node stopped itself after waking");

      Thread.sleep(5_000);
      injector.stop();
      Injector.Result result = sending.get();
      pool.shutdown();
      List<Integer> accepted = result.accepted();
      Map<Integer, List<ReceivedMessage>> arrivals =
          cluster.awaitArrivals("freeze", accepted, Duration.ofMinutes(3));
      Set<Integer> missing = new HashSet<>(accepted);
      missing.removeAll(arrivals.keySet());
      long duplicates = arrivals.values().stream().filter(a -> a.size() > 1).count();
      Map<String, Duration> resumed =
          ClusterCrashTest.resumeAfter(frozenAt, accepted.subList(0, acceptedAtFreeze), arrivals,
              cluster.domains);
      Duration slowest = resumed.values().stream().max(Duration::compareTo).orElse(Duration.ZERO);
      System.out.printf("partition test: %d accepted, %d missing, %d duplicates; %d domains "
          + "had mail pending at the freeze, the slowest resumed after %d ms%n", accepted.size(),
          missing.size(), duplicates, resumed.size(), slowest.toMillis());

      assertEquals(Set.of(), missing, "messages that got 250 and never arrived");
      assertTrue(slowest.compareTo(Duration.ofSeconds(30)) <= 0,
          "queues ran on the majority within 30 s of the freeze: " + resumed);
    }
  }
}

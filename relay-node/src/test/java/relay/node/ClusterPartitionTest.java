package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A partitioned minority: one of three nodes is frozen with SIGSTOP for longer than failure
 * detection plus the Split Brain Resolver's stable-after. The majority downs it and runs its
 * queues: every domain delivers again within 30 s of the freeze and in the last 15 s of the 40 s
 * freeze; when the frozen node wakes it
 * learns it was downed and stops itself. Every message that got 250 arrives.
 */
class ClusterPartitionTest {

  @Test
  void aFrozenMinorityIsDownedAndItsQueuesRunOnTheMajority() throws Exception {
    try (ClusterFixture cluster = ClusterFixture.start(3, 20, "")) {
      Injector injector = new Injector(cluster.smtpAddresses(), "freeze", cluster.domains);
      CompletableFuture<Injector.Result> sending = injector.sendInBackground(Integer.MAX_VALUE, 12);
      Thread.sleep(8_000);

      int frozen = 2;
      Instant frozenAt = Instant.now();
      cluster.node(frozen).freeze();
      Thread.sleep(40_000);
      Instant thawedAt = Instant.now();
      cluster.node(frozen).thaw();
      assertTrue(cluster.node(frozen).awaitExit(Duration.ofSeconds(60)),
          "the downed node stopped itself after waking");

      Thread.sleep(5_000);
      injector.stop();
      Injector.Result result = sending.get();
      List<Integer> accepted = result.accepted();
      Arrivals arrivals = cluster.awaitArrivalsAndSettle("freeze", accepted, Duration.ofMinutes(3));
      System.out.printf("partition test: %s%n", result.endOfDataReport(arrivals));
      Map<String, Duration> resumed = arrivals.firstDeliveryAfter(frozenAt);
      Duration slowest = Arrivals.slowest(resumed);
      Set<String> deliveredWhileFrozen =
          arrivals.domainsDeliveredBetween(frozenAt.plusSeconds(25), thawedAt);
      System.out.printf("partition test: %d accepted, %d missing, %d duplicates; %d domains "
          + "delivered after the freeze, the slowest first after %d ms; %d of %d domains "
          + "delivered in the last 15 s of the freeze%n", accepted.size(),
          arrivals.missing().size(), arrivals.duplicates(), resumed.size(), slowest.toMillis(),
          deliveredWhileFrozen.size(), cluster.domains.size());

      assertEquals(Set.of(), arrivals.missing(), "messages that got 250 and never arrived");
      assertEquals(Set.of(), arrivals.refusedButDelivered(result.refusedAtEndOfData()),
          "messages refused at the end of DATA and delivered all the same");
      assertEquals(new HashSet<>(cluster.domains), deliveredWhileFrozen,
          "every domain's queue ran on the majority while the node was still frozen");
      assertTrue(slowest.compareTo(Duration.ofSeconds(30)) <= 0,
          "queues ran on the majority within 30 s of the freeze: " + resumed);
    }
  }
}

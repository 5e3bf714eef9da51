package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Three relay JVMs on one PostgreSQL; clients spread 20,000 messages for 50 domains over all
 * three; one node, chosen at random, is killed with SIGKILL at a random moment. Every message that
 * got 250 arrives; duplicates are counted and reported; the queues the dead node owned resume on
 * the survivors within 30 seconds: every domain's first delivery after the kill (of mail accepted
 * before or after it) comes within 30 s of the kill, so no domain, wherever its queue was, waits
 * longer than that for its queue to run again. One
 * domain limited to 2 connections never sees a third, from all three nodes and across the failover.
 */
class ClusterCrashTest {

  private static final int MESSAGES = 20_000;

  @Test
  void everyAcceptedMessageArrivesWhenANodeIsKilled() throws Exception {
    long seed = Long.getLong("relay.test.seed", System.nanoTime());
    Random random = new Random(seed);
    try (ClusterFixture cluster = ClusterFixture.start(3, 50,
        "relay.queue.shaping.domains { \"d00.test\" { max-connections = 2 } }")) {
      Injector injector = new Injector(cluster.smtpAddresses(), "kill", cluster.domains);
      CompletableFuture<Injector.Result> sending = injector.sendInBackground(MESSAGES, 21);

      int killAfter = 2_000 + random.nextInt(MESSAGES / 2);
      int victim = random.nextInt(cluster.size());
      while (injector.acceptedCount() < killAfter && !sending.isDone()) {
        Thread.sleep(20);
      }
      Instant killedAt = Instant.now();
      cluster.node(victim).kill();
      int acceptedAtKill = injector.acceptedCount();

      Injector.Result result = sending.get();
      List<Integer> accepted = result.accepted();
      Arrivals arrivals = cluster.awaitArrivalsAndSettle("kill", accepted, Duration.ofMinutes(4));
      System.out.printf("cluster crash test: %s%n", result.endOfDataReport(arrivals));
      Map<String, Duration> resumed = arrivals.firstDeliveryAfter(killedAt);
      Duration slowest = Arrivals.slowest(resumed);
      System.out.printf("cluster crash test (seed %d): node %d killed after %d accepted; %d of %d "
          + "messages accepted, %d sends refused or cut; %d arrived, %d missing, %d duplicates; "
          + "%d domains delivered after the kill, the slowest first after %d ms%n",
          seed, victim, acceptedAtKill, accepted.size(), MESSAGES, result.failed(),
          arrivals.arrived(), arrivals.missing().size(), arrivals.duplicates(), resumed.size(),
          slowest.toMillis());

      assertTrue(accepted.size() > MESSAGES / 2, "most messages accepted: " + accepted.size());
      assertTrue(cluster.firstDomainSink.maxConcurrentConnections() <= 2,
          "d00.test is limited to 2 connections across the cluster: "
              + cluster.firstDomainSink.maxConcurrentConnections());
      assertEquals(Set.of(), arrivals.missing(), "messages that got 250 and never arrived");
      assertEquals(Set.of(), arrivals.refusedButDelivered(result.refusedAtEndOfData()),
          "messages refused at the end of DATA and delivered all the same");
      assertTrue(slowest.compareTo(Duration.ofSeconds(30)) <= 0,
          "queues resumed within 30 s of the kill: " + resumed);
    }
  }
}

package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import relay.testing.ReceivedMessage;

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
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<Injector.Result> sending = pool.submit(() -> injector.send(MESSAGES, 21));

      int killAfter = 2_000 + random.nextInt(MESSAGES / 2);
      int victim = random.nextInt(cluster.size());
      while (injector.acceptedCount() < killAfter && !sending.isDone()) {
        Thread.sleep(20);
      }
      Instant killedAt = Instant.now();
      cluster.node(victim).kill();
      int acceptedAtKill = injector.acceptedCount();

      Injector.Result result = sending.get();
      pool.shutdown();
      List<Integer> accepted = result.accepted();
      Map<Integer, List<ReceivedMessage>> arrivals =
          cluster.awaitArrivals("kill", accepted, Duration.ofMinutes(4));
      Set<Integer> missing = new HashSet<>(accepted);
      missing.removeAll(arrivals.keySet());
      long duplicates = arrivals.values().stream().filter(a -> a.size() > 1).count();
      Map<String, Duration> resumeAfterKill = resumeAfter(killedAt, accepted, arrivals, cluster.domains);
      Duration slowest = resumeAfterKill.values().stream().max(Duration::compareTo).orElse(Duration.ZERO);
      System.out.printf("cluster crash test (seed %d): node %d killed after %d accepted; %d of %d "
          + "messages accepted, %d sends refused or cut; %d arrived, %d missing, %d duplicates; "
          + "%d domains delivered after the kill, the slowest first after %d ms%n",
          seed, victim, acceptedAtKill, accepted.size(), MESSAGES, result.failed(), arrivals.size(),
          missing.size(), duplicates, resumeAfterKill.size(), slowest.toMillis());

      assertTrue(accepted.size() > MESSAGES / 2, "most messages accepted: " + accepted.size());
      assertTrue(cluster.firstDomainSink.maxConcurrentConnections() <= 2,
          "d00.test is limited to 2 connections across the cluster: "
              + cluster.firstDomainSink.maxConcurrentConnections());
      assertEquals(Set.of(), missing, "messages that got 250 and never arrived");
      assertTrue(slowest.compareTo(Duration.ofSeconds(30)) <= 0,
          "queues resumed within 30 s of the kill: " + resumeAfterKill);
    }
  }

  /**
   * For each domain with any of the given messages arriving after an instant: how long after it
   * the first of them arrived.
   */
  static Map<String, Duration> resumeAfter(Instant killedAt, List<Integer> accepted,
      Map<Integer, List<ReceivedMessage>> arrivals, List<String> domains) {
    Map<String, Instant> firstAfter = new HashMap<>();
    for (int n : accepted) {
      List<ReceivedMessage> got = arrivals.get(n);
      if (got == null) {
        continue;
      }
      Instant first = got.stream().map(ReceivedMessage::arrivedAt).min(Instant::compareTo).orElseThrow();
      if (first.isAfter(killedAt)) {
        firstAfter.merge(domains.get(n % domains.size()), first,
            (a, b) -> a.isBefore(b) ? a : b);
      }
    }
    Map<String, Duration> resume = new HashMap<>();
    firstAfter.forEach((domain, at) -> resume.put(domain, Duration.between(killedAt, at)));
    return resume;
  }
}

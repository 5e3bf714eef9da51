package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart of all three nodes while clients keep sending: each node in turn gets SIGTERM
 * (the graceful shutdown hands its queues to the others), exits, starts again and rejoins. Nothing
 * accepted is lost, and the only refusals clients see are "421 4.3.2" from the node draining.
 * One destination is limited to 2 connections: with all three nodes sending to it, through every
 * hand-over of its queue, its server never sees a third.
 */
class ClusterRollingRestartTest {

  @Test
  void aRollingRestartUnderLoadLosesNothing() throws Exception {
    try (ClusterFixture cluster = ClusterFixture.start(3, 20,
        "relay.queue.shaping.domains { \"d00.test\" { max-connections = 2 } }")) {
      cluster.firstDomainSink.slow(Duration.ofMillis(5));
      Injector injector = new Injector(cluster.smtpAddresses(), "roll", cluster.domains);
      CompletableFuture<Injector.Result> sending = injector.sendInBackground(Integer.MAX_VALUE, 12);
      Thread.sleep(5_000);
      for (int i = 0; i < cluster.size(); i++) {
        int before = injector.acceptedCount();
        int exit = cluster.node(i).terminate(Duration.ofSeconds(90));
        assertEquals(143, exit, "node " + i + " ended by SIGTERM after its graceful shutdown, "
            + "not killed after the timeout (137)");
        cluster.launch(i).awaitReady(Duration.ofSeconds(120));
        Thread.sleep(5_000);
        System.out.printf("rolling restart: node %d restarted, %d messages accepted meanwhile%n",
            i, injector.acceptedCount() - before);
      }
      injector.stop();
      Injector.Result result = sending.get();

      List<Integer> accepted = result.accepted();
      Arrivals arrivals = cluster.awaitArrivalsAndSettle("roll", accepted, Duration.ofMinutes(3));
      System.out.printf("rolling restart: %s%n", result.endOfDataReport(arrivals));
      List<Injector.Refusal> refusals = injector.refusals();
      System.out.printf("rolling restart: %d accepted, %d missing, %d duplicates, %d refusals %s%n",
          accepted.size(), arrivals.missing().size(), arrivals.duplicates(), refusals.size(),
          refusals.stream().map(r -> r.node() + ": " + r.reply()).distinct().limit(5).toList());

      assertTrue(accepted.size() > 1_000, "traffic flowed: " + accepted.size());
      int limited = cluster.firstDomainSink.maxConcurrentConnections();
      System.out.printf("rolling restart: d00.test (max-connections 2) got %d messages, at most %d "
          + "connections at once%n", cluster.firstDomainSink.messageCount(), limited);
      assertTrue(limited >= 1 && limited <= 2, "connections at once to d00.test: " + limited);
      assertEquals(Set.of(), arrivals.missing(), "messages that got 250 and never arrived");
      assertEquals(Set.of(), arrivals.refusedButDelivered(result.refusedAtEndOfData()),
          "messages refused at the end of DATA and delivered all the same");
      for (Injector.Refusal refusal : refusals) {
        assertTrue(refusal.reply().startsWith("421 4.3.2 node" + refusal.node() + ".test "),
            "only the draining node refuses, with 421 4.3.2: " + refusal);
      }
    }
  }
}

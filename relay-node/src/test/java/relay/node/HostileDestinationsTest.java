package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import relay.testing.HostileServer;
import relay.testing.ReceivedMessage;

/**
 * Hostile destinations do not starve healthy ones, and every attempt to them is bounded. A real
 * node (RelayFixture: H2, TestDnsServer, SmtpSink on 127.0.0.2 for the healthy "dest.test") and
 * four hostile destinations on the same port at other loopback addresses:
 *
 * <ul>
 *   <li>silent.test: accepts TCP and never speaks (cut off at greeting-timeout);
 *   <li>drip.test: an endless greeting, one byte every 200 ms (no read ever times out; cut off at
 *       the greeting's deadline);
 *   <li>dripmail.test: prompt greeting and EHLO, then the reply to MAIL drips (cut off at
 *       mail-timeout; counts as degraded since no transaction completed);
 *   <li>holes.test: ten MX hosts whose addresses black-hole the connect (at most
 *       max-addresses-per-attempt tried, and the other workers stop after their first).
 * </ul>
 *
 * Timeouts are scaled down (connect 2 s, replies 3 s, attempt 6 s) so it runs in well under a
 * minute; 15 messages per hostile domain make each queue open its 10 connections at once: 40
 * delivery threads held by hostile destinations at the same time, more than the old fixed pool of
 * 32. The healthy destination's delivery time (250 to arrival at the sink) is measured one
 * message at a time before and while the hostile ones are tried, and printed. A second case runs
 * the same load on the old pool (fixed, 32 threads) and shows the healthy deliveries waiting: the
 * measurement sees starvation when there is some.
 */
class HostileDestinationsTest {

  private static final int HOSTILE_MESSAGES = 60; // 15 per hostile domain
  private static final int SAMPLES = 8;
  private static final Duration GREETING_TIMEOUT = Duration.ofSeconds(3);

  private static final String SCALED = String.join("\n",
      "relay.smtp.client { connect-timeout = 2s, greeting-timeout = 3s, helo-timeout = 3s, mail-timeout = 3s,",
      "  rcpt-timeout = 3s, data-init-timeout = 3s, data-block-timeout = 3s, data-done-timeout = 3s,",
      "  rset-timeout = 2s, quit-timeout = 500ms, attempt-timeout = 6s }",
      "relay.queue.retry { initial = 3s, multiplier = 1.0, max-interval = 3s }");

  /** The old delivery pool: 32 fixed threads. */
  private static final String OLD_POOL = "relay.delivery-dispatcher { executor = \"thread-pool-executor\","
      + " thread-pool-executor { fixed-pool-size = 32 } }";

  @Test
  void aHealthyDestinationIsAsFastWhileFourHostileOnesAreTried() throws Exception {
    Run run = run(SCALED);
    System.out.printf("healthy delivery ms, no hostile load:   %s (median %d, max %d)%n", run.before, median(run.before),
        max(run.before));
    System.out.printf("healthy delivery ms, 4 hostile domains: %s (median %d, max %d)%n", run.during, median(run.during),
        max(run.during));
    System.out.printf("hostile connections at once: silent %d, drip %d, dripmail %d; delivery threads %d%n",
        run.silentMax, run.dripMax, run.dripMailMax, run.deliveryThreads);

    assertEquals(10, run.silentMax, "silent.test was tried with its 10 connections at once");
    assertTrue(run.dripMax >= 5 && run.dripMailMax >= 5, "drip " + run.dripMax + ", dripmail " + run.dripMailMax);
    assertTrue(run.deliveryThreads > 32, "more hostile workers than the old pool had threads: " + run.deliveryThreads);
    // Unchanged within the noise of a loaded machine; a starved delivery waits for a hostile
    // timeout (2-3 s), as the old pool shows below.
    assertTrue(max(run.during) < Math.max(1_000, 3 * max(run.before)),
        "healthy deliveries under hostile load: " + run.during + " against " + run.before);
    assertTrue(median(run.during) < median(run.before) + 300, run.during + " against " + run.before);

    // Every attempt ended at its bounds: no connection outlived its step's timeout by much.
    for (Duration d : run.silentLifetimes) {
      assertTrue(d.compareTo(GREETING_TIMEOUT.plusSeconds(2)) < 0, "silent.test held a connection " + d);
    }
    for (Duration d : run.dripLifetimes) {
      assertTrue(d.compareTo(GREETING_TIMEOUT.plusSeconds(2)) < 0, "drip.test held a connection " + d);
    }
    for (Duration d : run.dripMailLifetimes) {
      assertTrue(d.compareTo(Duration.ofSeconds(6).plusSeconds(2)) < 0, "dripmail.test held a connection " + d);
    }
    assertTrue(!run.dripLifetimes.isEmpty() && !run.dripMailLifetimes.isEmpty(), "the drips were cut off");
    // A MAIL reply that timed out before any transaction completed marks dripmail.test degraded:
    // its queue defers the 5 messages left and probes with one connection per retry round,
    // instead of 15 connections now and 15 more every round.
    System.out.printf("dripmail.test connections in all: %d%n", run.dripMailTotal);
    assertTrue(run.dripMailTotal <= 14, "dripmail.test held back to one probe: " + run.dripMailTotal);
  }

  @Test
  void theSameLoadOnTheOldFixedPoolOf32ThreadsDelaysTheHealthyDestination() throws Exception {
    Run run = run(SCALED + "\n" + OLD_POOL);
    System.out.printf("old pool (32 fixed), no hostile load:   %s ms (max %d)%n", run.before, max(run.before));
    System.out.printf("old pool (32 fixed), 4 hostile domains: %s ms (max %d)%n", run.during, max(run.during));
    assertTrue(max(run.during) >= 800, "starved by hostile workers: " + run.during);
  }

  private record Run(List<Long> before, List<Long> during, int silentMax, int dripMax, int dripMailMax,
      int dripMailTotal, int deliveryThreads, List<Duration> silentLifetimes, List<Duration> dripLifetimes,
      List<Duration> dripMailLifetimes) {}

  private Run run(String config) throws Exception {
    List<HostileServer> servers = new ArrayList<>();
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      int port = relay.sink.port();
      HostileServer silent = HostileServer.silent("127.0.0.11", port);
      servers.add(silent);
      HostileServer drip = HostileServer.drippingGreeting("127.0.0.12", port, Duration.ofMillis(200));
      servers.add(drip);
      HostileServer dripMail = HostileServer.drippingAfterEhlo("127.0.0.13", port, Duration.ofMillis(200));
      servers.add(dripMail);
      relay.dns.mx("silent.test", 10, "mx.silent.test").a("mx.silent.test", "127.0.0.11");
      relay.dns.mx("drip.test", 10, "mx.drip.test").a("mx.drip.test", "127.0.0.12");
      relay.dns.mx("dripmail.test", 10, "mx.dripmail.test").a("mx.dripmail.test", "127.0.0.13");
      for (int i = 0; i < 10; i++) {
        servers.add(HostileServer.blackHole("127.0.0." + (20 + i), port));
        relay.dns.mx("holes.test", 10 + i, "mx" + i + ".holes.test").a("mx" + i + ".holes.test", "127.0.0." + (20 + i));
      }
      relay.with(config).start();

      List<Long> before = healthy(relay, "before");
      Injector.Result hostile = new Injector(List.of(relay.smtp()), "hostile",
          List.of("silent.test", "drip.test", "dripmail.test", "holes.test")).send(HOSTILE_MESSAGES, 4);
      assertEquals(HOSTILE_MESSAGES, hostile.accepted().size());
      Thread.sleep(300); // the hostile queues' workers are connecting
      int threads = deliveryThreads();
      List<Long> during = healthy(relay, "during");
      threads = Math.max(threads, deliveryThreads());
      Thread.sleep(GREETING_TIMEOUT.toMillis() + 3_000); // let the first round end at its bounds
      return new Run(before, during, silent.maxConcurrent(), drip.maxConcurrent(), dripMail.maxConcurrent(),
          dripMail.totalConnections(), threads,
          silent.lifetimes(), drip.lifetimes(), dripMail.lifetimes());
    } finally {
      servers.forEach(HostileServer::close);
    }
  }

  /** Sends SAMPLES messages to dest.test one at a time; each one's time from 250 to arrival. */
  private static List<Long> healthy(RelayFixture relay, String tag) throws Exception {
    List<Long> times = new ArrayList<>();
    try (SmtpDialog smtp = SmtpDialog.connect(relay.smtp())) {
      smtp.reply();
      smtp.command("EHLO app.client.test");
      for (int i = 0; i < SAMPLES; i++) {
        String subject = tag + "-" + i + "-" + UUID.randomUUID();
        assertTrue(smtp.command("MAIL FROM:<app@sender.test>").startsWith("250"));
        assertTrue(smtp.command("RCPT TO:<user@dest.test>").startsWith("250"));
        assertTrue(smtp.command("DATA").startsWith("354"));
        String queued = smtp.send("Subject: " + subject + "\r\n\r\nhello\r\n.\r\n").reply();
        Instant accepted = Instant.now();
        assertTrue(queued.startsWith("250"), queued);
        ReceivedMessage got = awaitSubject(relay, subject);
        times.add(Math.max(0, Duration.between(accepted, got.arrivedAt()).toMillis()));
      }
      smtp.command("QUIT");
    }
    return times;
  }

  private static ReceivedMessage awaitSubject(RelayFixture relay, String subject) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (ReceivedMessage m : relay.sink.messages()) {
        if (m.text().contains(subject)) {
          return m;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("not delivered: " + subject);
  }

  /** Live threads of the delivery dispatcher (Pekko names them after it). */
  private static int deliveryThreads() {
    return (int) Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().contains("delivery-dispatcher")).count();
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static long max(List<Long> values) {
    return Collections.max(values);
  }
}

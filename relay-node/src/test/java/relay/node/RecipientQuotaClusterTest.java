package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import relay.persistence.quota.QuotaEntity;
import relay.persistence.quota.QuotaLimits;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.ClientRecord;

/**
 * The hourly recipient quota is one count for the whole cluster: two relay nodes in this JVM on
 * a throw-away PostgreSQL database, a client with 10 recipients an hour sends 4 through node A,
 * then through node B until refused, then through A again until refused (A may still hold a
 * lease it asked for in the background): exactly 10 are accepted in all, B got part of them, and
 * both end with 452 4.5.3. With relay.quotas.max-borrow = 0 no node accepts a recipient it has
 * no lease for, so the count is exact (with borrowing, each node could accept up to max-borrow
 * more per window: the documented over-grant).
 */
class RecipientQuotaClusterTest {

  static final String FROM = "127.0.0.9";

  @Test
  void tenAnHourAcrossTwoNodesAndNotOneMore() throws Exception {
    int seedPort = freePort();
    try (RelayFixture fixture = RelayFixture.create(RelayFixture.Storage.POSTGRES)) {
      fixture.with("relay.cluster.port = " + seedPort)
          .with("relay.cluster.seed-nodes = [\"pekko://relay@127.0.0.1:" + seedPort + "\"]")
          .with("relay.quotas { max-borrow = 0, ask-timeout = 10s }")
          .with("relay.client-sessions { acquire-timeout = 10s, report-timeout = 3s }")
          .start();
      RelayNode a = fixture.node();
      RelayNode b = RelayNode.start(ConfigFactory.parseString(
          "pekko.remote.artery.canonical.port = 0").withFallback(fixture.config()));
      try {
        ClientRecord client = RecipientQuotaTest.client("cluster-quota", FROM, 10);
        RecipientQuotaTest.ok(a.registry().service().createClient(client, "test"));
        b.registry().view().when(s -> s.client(client.id()).isPresent(), Duration.ofSeconds(10))
            .toCompletableFuture().get(15, TimeUnit.SECONDS);
        Instant before = Instant.now();
        try (SmtpDialog onA = transaction(a.smtpAddresses().get(0));
            SmtpDialog onB = transaction(b.smtpAddresses().get(0))) {
          for (int i = 1; i <= 4; i++) {
            assertEquals("250 2.1.5 Ok", RecipientQuotaTest.rcpt(onA, "a" + i + "@dest.test"));
          }
          List<String> throughB = untilRefused(onB, "b");
          List<String> againThroughA = untilRefused(onA, "c");
          int accepted = 4 + throughB.size() - 1 + againThroughA.size() - 1;
          String overOnB = throughB.get(throughB.size() - 1);
          String overOnA = againThroughA.get(againThroughA.size() - 1);
          System.out.println("quota cluster: 10/hour, accepted 4 on A, " + (throughB.size() - 1)
              + " on B, " + (againThroughA.size() - 1) + " more on A (its lease), then "
              + overOnB + " / " + overOnA);
          assertEquals(10, accepted);
          assertTrue(throughB.size() > 1, "B got none of the quota: " + throughB);
          assertTrue(RecipientQuotaTest.isHourlyQuotaReply(overOnA, before), overOnA);
          assertTrue(RecipientQuotaTest.isHourlyQuotaReply(overOnB, before), overOnB);
        }
        QuotaEntity.Usage usage = a.quotas().usage("cluster-quota", QuotaLimits.of(
            client.limits())).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(10, usage.hourUsed());
        assertEquals(10, usage.hourLimit());
      } finally {
        b.stop();
      }
    }
  }

  /** RCPTs until one is refused; the replies, the refusal last. */
  private static List<String> untilRefused(SmtpDialog smtp, String prefix) throws Exception {
    List<String> replies = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      String reply = RecipientQuotaTest.rcpt(smtp, prefix + i + "@dest.test");
      replies.add(reply);
      if (!reply.equals("250 2.1.5 Ok")) {
        return replies;
      }
    }
    throw new AssertionError("12 recipients accepted of 10 an hour: " + replies);
  }

  /**
   * A transaction of the client on {@code relay}; connects again while the greeting is 421 4.3.0
   * (the first session-slot ask of a fresh cluster waits for the shard coordinator).
   */
  private static SmtpDialog transaction(InetSocketAddress relay) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      SmtpDialog smtp = SmtpDialog.connectFrom(FROM, relay);
      String greeting = smtp.reply();
      if (greeting.startsWith("220")) {
        smtp.command("EHLO app.client.test");
        assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<a@sender.test>"));
        return smtp;
      }
      smtp.close();
      assertTrue(System.nanoTime() < deadline, "never greeted: " + greeting);
      Thread.sleep(200);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

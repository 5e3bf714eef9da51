package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cluster-wide session limit end to end: two relay nodes in this JVM form one cluster on a
 * throw-away PostgreSQL database; the registered client (127.0.0.1) may have 4 sessions. Real
 * SMTP connections to both nodes' listeners: 2 + 2 are greeted, the fifth on either node gets
 * exactly 421 4.4.5 and is closed, a QUIT frees a slot, and a node that stops frees all of its
 * slots.
 */
class ClientSessionLimitClusterTest {

  static final String TOO_MANY =
      "421 4.4.5 relay.test Too many concurrent sessions for this client, closing";
  static final String GREETING = "220 relay.test ESMTP";
  static final String WARM_UP_IP = "127.0.0.3";

  final List<SmtpDialog> open = new ArrayList<>();

  @Test
  void fourSessionsAcrossTwoNodesAndNotOneMore() throws Exception {
    int seedPort = freePort();
    String seed = "pekko://relay@127.0.0.1:" + seedPort;
    try (RelayFixture fixture = RelayFixture.create(RelayFixture.Storage.POSTGRES)) {
      fixture.with("relay.cluster.port = " + seedPort)
          .with("relay.cluster.seed-nodes = [\"" + seed + "\"]")
          .with("relay.clients = [ { name = \"test-app\", ips = [\"127.0.0.1\"], max-sessions = 4 },"
              + " { name = \"warm-up\", ips = [\"" + WARM_UP_IP + "\"] } ]")
          // this machine is shared and often loaded: give the count time rather than 421 4.3.0
          .with("relay.client-sessions { acquire-timeout = 10s, report-timeout = 3s }")
          .start();
      RelayNode a = fixture.node();
      RelayNode b = RelayNode.start(ConfigFactory.parseString(
          "pekko.remote.artery.canonical.port = 0").withFallback(fixture.config()));
      try {
        awaitReady(a);
        awaitReady(b);
        InetSocketAddress smtpA = a.smtpAddresses().get(0);
        InetSocketAddress smtpB = b.smtpAddresses().get(0);
        warmUp(smtpA);
        warmUp(smtpB);

        SmtpDialog a1 = admitted(smtpA);
        admitted(smtpA);
        admitted(smtpB);
        admitted(smtpB);
        assertRefused(smtpA);
        assertRefused(smtpB);

        assertEquals("221 2.0.0 Bye", a1.command("QUIT"));
        assertEquals("<closed>", a1.reply());
        admittedWithin(smtpB, Duration.ofSeconds(10)); // the slot a1 held
        assertRefused(smtpA);

        b.stop(); // its three sessions end with 421 4.3.2, its holder leaves the cluster
        b = null;
        admittedWithin(smtpA, Duration.ofSeconds(30));
        admitted(smtpA);
        admitted(smtpA);
        assertRefused(smtpA); // a2 + the three new ones
      } finally {
        for (SmtpDialog d : open) {
          d.close();
        }
        if (b != null) {
          b.stop();
        }
      }
    }
  }

  /**
   * Another registered client's session on a node, retried while the answer is 421 4.3.0: the
   * first ask of a fresh cluster waits for the shard coordinator to start, which under load can
   * take longer than the acquire timeout. It leaves the test client's count untouched.
   */
  private static void warmUp(InetSocketAddress relay) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try (SmtpDialog d = SmtpDialog.connectFrom(WARM_UP_IP, relay)) {
        String greeting = d.reply();
        if (greeting.equals(GREETING)) {
          assertEquals("221 2.0.0 Bye", d.command("QUIT"));
          return;
        }
        assertEquals("421 4.3.0 relay.test Service temporarily unavailable, closing", greeting);
      }
      assertTrue(System.nanoTime() < deadline, "the session count never answered");
      Thread.sleep(200);
    }
  }

  private SmtpDialog admitted(InetSocketAddress relay) throws IOException {
    SmtpDialog d = SmtpDialog.connect(relay);
    open.add(d);
    assertEquals(GREETING, d.reply());
    assertEquals("250 2.0.0 Ok", d.command("NOOP"));
    return d;
  }

  private static void assertRefused(InetSocketAddress relay) throws IOException {
    try (SmtpDialog d = SmtpDialog.connect(relay)) {
      assertEquals(TOO_MANY, d.reply());
      assertEquals("<closed>", d.reply());
    }
  }

  /**
   * A freed slot reaches the client's entity asynchronously (a tell after the connection closed,
   * or the node's departure): retries while the answer is still 421 4.4.5.
   */
  private SmtpDialog admittedWithin(InetSocketAddress relay, Duration patience) throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      SmtpDialog d = SmtpDialog.connect(relay);
      String greeting = d.reply();
      if (greeting.equals(GREETING)) {
        open.add(d);
        return d;
      }
      d.close();
      assertEquals(TOO_MANY, greeting);
      assertTrue(System.nanoTime() < deadline, "no slot was freed within " + patience);
      Thread.sleep(100);
    }
  }

  private static void awaitReady(RelayNode node) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!node.isReady()) {
      assertTrue(System.nanoTime() < deadline, "node not ready: " + node.checks());
      Thread.sleep(100);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

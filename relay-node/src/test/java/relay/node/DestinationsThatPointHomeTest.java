package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import relay.testing.ReceivedMessage;
import relay.testing.SmtpSink;

/**
 * Destinations that point home, against a real node over real sockets. The relay listens on
 * 127.0.0.1 at the port it also delivers to (the sink's port, on 127.0.0.2), and only the sinks'
 * addresses 127.0.0.2 and 127.0.0.3 are allowed (relay.delivery.allowed-networks), so the rest
 * of 127.0.0.0/8 is loopback to it, as on a production host:
 *
 * <ul>
 *   <li>an address-literal recipient {@code user@[127.0.0.5]} and an MX whose addresses are
 *       loopback, link-local and unspecified bounce at once with 554 5.4.4, and nothing listening
 *       there is ever connected to;
 *   <li>an MX at the relay's own listener (127.0.0.1, its port), or the literal {@code
 *       user@[127.0.0.1]}, bounces at once with 554 5.4.6 "loops back to myself" without a
 *       connection;
 *   <li>an MX whose server greets with the relay's own name ("relay.test") bounces the same way;
 *   <li>an MX list whose best host is refused still delivers to the next one.
 * </ul>
 *
 * "At once": the DSN arrives within seconds although the message may live 5 days; a transient
 * failure would be retried, never bounced, before then.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DestinationsThatPointHomeTest {

  private RelayFixture relay;
  private SmtpSink homeSink;
  private SmtpSink impostor;

  @BeforeAll
  void start() throws Exception {
    relay = RelayFixture.create(RelayFixture.Storage.H2);
    int port = relay.sink.port();
    // Listening where the refused MX addresses point: any connection there would show.
    homeSink = SmtpSink.builder().bind("127.0.0.5", port).start();
    // A server elsewhere that calls itself by the relay's name.
    impostor = SmtpSink.builder().bind("127.0.0.3", port).hostname("relay.test").start();
    relay.dns.mx("home.test", 10, "mx1.home.test").a("mx1.home.test", "127.0.0.5")
        .mx("home.test", 20, "mx2.home.test").a("mx2.home.test", "169.254.10.10")
        .mx("home.test", 30, "mx3.home.test").a("mx3.home.test", "0.0.0.0");
    relay.dns.mx("loop.test", 10, "mx.loop.test").a("mx.loop.test", "127.0.0.1");
    relay.dns.mx("impostor.test", 10, "mx.impostor.test").a("mx.impostor.test", "127.0.0.3");
    relay.dns.mx("mixed.test", 5, "bad.mixed.test").a("bad.mixed.test", "127.0.0.5")
        .mx("mixed.test", 10, "good.mixed.test").a("good.mixed.test", "127.0.0.2");
    relay.with("relay.listeners = [ { name = \"test\", host = \"127.0.0.1\", port = " + port + " } ]")
        .with("relay.delivery.allowed-networks = [\"127.0.0.2\", \"127.0.0.3/32\"]")
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      relay.close();
    } finally {
      homeSink.close();
      impostor.close();
    }
  }

  @Test
  void anAddressLiteralOfThisHostBouncesWithUnableToRoute() throws Exception {
    String tag = send("user@[127.0.0.5]");
    EndToEndContract.DsnView dsn = awaitFailure(tag);
    assertEquals("5.4.4", dsn.field("Status"));
    assertTrue(dsn.field("Diagnostic-Code").contains("No usable mail exchanger for [127.0.0.5]"),
        dsn.field("Diagnostic-Code"));
    assertEquals(0, homeSink.totalConnections(), "nothing on a refused address was connected to");
  }

  @Test
  void anAddressLiteralOfTheRelaysOwnListenerIsALoop() throws Exception {
    String tag = send("user@[127.0.0.1]");
    assertEquals("5.4.6", awaitFailure(tag).field("Status"));
  }

  @Test
  void mxHostsOnLoopbackLinkLocalAndUnspecifiedAddressesBounceWithoutAConnection() throws Exception {
    String tag = send("user@home.test");
    EndToEndContract.DsnView dsn = awaitFailure(tag);
    assertEquals("5.4.4", dsn.field("Status"));
    assertEquals(0, homeSink.totalConnections(), "nothing on a refused address was connected to");
  }

  @Test
  void anMxAtTheRelaysOwnListenerIsALoopAtOnce() throws Exception {
    String tag = send("user@loop.test");
    EndToEndContract.DsnView dsn = awaitFailure(tag);
    assertEquals("5.4.6", dsn.field("Status"));
    assertTrue(dsn.field("Diagnostic-Code").contains("554 5.4.6 Mail for loop.test loops back"),
        dsn.field("Diagnostic-Code"));
  }

  @Test
  void aServerThatGreetsWithTheRelaysNameIsALoopAtOnce() throws Exception {
    String tag = send("user@impostor.test");
    EndToEndContract.DsnView dsn = awaitFailure(tag);
    assertEquals("5.4.6", dsn.field("Status"));
    // (the DSN folds the long Diagnostic-Code line; its first line is enough here)
    assertTrue(dsn.field("Diagnostic-Code").contains("554 5.4.6 Mail for impostor.test loops back"),
        dsn.field("Diagnostic-Code"));
    assertEquals(0, impostor.messageCount());
    assertTrue(impostor.commands().contains("QUIT"), "the relay said QUIT: " + impostor.commands());
  }

  @Test
  void aRefusedBestMxIsSkippedForTheNextOne() throws Exception {
    String tag = send("user@mixed.test");
    List<ReceivedMessage> got = awaitAt(relay.sink, tag);
    assertEquals(List.of("user@mixed.test"), got.get(0).recipients());
    assertEquals(0, homeSink.totalConnections());
  }

  private String send(String recipient) throws Exception {
    String tag = UUID.randomUUID().toString();
    try (SmtpDialog smtp = SmtpDialog.connect(relay.smtp())) {
      smtp.reply();
      smtp.command("EHLO app.client.test");
      assertTrue(smtp.command("MAIL FROM:<owner@sender.test>").startsWith("250"));
      String rcpt = smtp.command("RCPT TO:<" + recipient + ">");
      assertTrue(rcpt.startsWith("250"), rcpt);
      assertTrue(smtp.command("DATA").startsWith("354"));
      String queued = smtp.send("Subject: " + tag + "\r\n\r\n" + tag + "\r\n.\r\n").reply();
      assertTrue(queued.startsWith("250 2.0.0"), queued);
      smtp.command("QUIT");
    }
    return tag;
  }

  /** The failure DSN about {@code tag} at the sender's sink, within 15 s. */
  private EndToEndContract.DsnView awaitFailure(String tag) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      for (ReceivedMessage m : relay.sink.messages()) {
        if (m.mailFrom().isEmpty() && m.text().contains(tag) && m.text().contains("Action: failed")) {
          return EndToEndContract.DsnView.parse(m.data());
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no failure DSN about " + tag + " within 15 s");
  }

  private static List<ReceivedMessage> awaitAt(SmtpSink sink, String tag) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      List<ReceivedMessage> found = sink.messages().stream().filter(m -> m.text().contains(tag)).toList();
      if (!found.isEmpty()) {
        return found;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no message with " + tag);
  }
}

package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import relay.testing.ReceivedMessage;
import relay.testing.SmtpSink;

/**
 * A message to two domains of which one refuses it (its queue full): the client gets 452 while
 * the other domain already took it, and sends the whole message again later. Each domain must
 * get exactly one copy. Retries are recognised by the client's content only when it carries a
 * Message-ID, and only within relay.queue.duplicates.window.
 */
class MultiDomainPartialRefusalTest {

  private static final String MESSAGE_ID = "Message-ID: <order-4711@app.client.test>\r\n";

  @Test
  void aResentMessageAfterAPartialRefusalReachesEachDomainOnce() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2);
        SmtpSink full = SmtpSink.builder().bind("127.0.0.3", relay.sink.port()).start()) {
      relay.dns.mx("full.test", 10, "mx.full.test").a("mx.full.test", "127.0.0.3");
      relay.with("relay.queue.max-pending-messages = 2")
          .with("relay.queue.retry { initial = 1s, multiplier = 1.0, max-interval = 1s }")
          .start();
      full.down();
      for (int i = 0; i < 2; i++) {
        assertTrue(send(relay, "Subject: filler " + i + "\r\n", "x@full.test").startsWith("250"));
      }
      String order = MESSAGE_ID + "Subject: order\r\n";

      String refused = send(relay, order, "a@dest.test", "b@full.test");
      assertTrue(refused.startsWith("452 4.3.1"), refused);
      assertTrue(relay.sink.awaitMessages(1, Duration.ofSeconds(20)),
          "the domain that took it delivers it");

      full.up();
      assertTrue(full.awaitMessages(2, Duration.ofSeconds(20)), "the full queue drains");
      // Like a client, retry until accepted: the queue makes room only once it has recorded the
      // deliveries, a moment after the sink got them; every refused retry is partial again.
      String reply = send(relay, order, "a@dest.test", "b@full.test");
      for (int i = 0; i < 40 && reply.startsWith("452"); i++) {
        Thread.sleep(250);
        reply = send(relay, order, "a@dest.test", "b@full.test");
      }
      assertTrue(reply.startsWith("250"), "the client's retry is accepted: " + reply);
      assertTrue(full.awaitMessages(3, Duration.ofSeconds(20)));
      Thread.sleep(2_000); // time for a second copy to arrive, if one were queued

      assertEquals(1, copies(relay.sink, "Subject: order"), "one copy for dest.test");
      assertEquals(1, copies(full, "Subject: order"), "one copy for full.test");
      assertEquals(List.of("b@full.test"), only(full, "Subject: order").recipients());
      assertEquals(0, QueueLimitTest.spooledFiles(relay),
          "the retry's body reference for dest.test was released too");
    }
  }

  @Test
  void withoutMessageIdTwiceIsTwoMessagesWithItTwiceIsOne() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.start();
      String alert = "Subject: alert\r\n";
      assertTrue(send(relay, alert, "a@dest.test").startsWith("250"));
      assertTrue(send(relay, alert, "a@dest.test").startsWith("250"));
      String order = MESSAGE_ID + "Subject: order\r\n";
      assertTrue(send(relay, order, "a@dest.test").startsWith("250"));
      assertTrue(send(relay, order, "a@dest.test").startsWith("250"),
          "a client that got no reply sends again: acknowledged");
      assertTrue(relay.sink.awaitMessages(3, Duration.ofSeconds(20)));
      Thread.sleep(2_000);
      assertEquals(2, copies(relay.sink, "Subject: alert"), "identical, but no Message-ID");
      assertEquals(1, copies(relay.sink, "Subject: order"));
    }
  }

  @Test
  void aResendAfterTheWindowIsDeliveredAgain() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.with("relay.queue.duplicates.window = 1s").start();
      String order = MESSAGE_ID + "Subject: order\r\n";
      assertTrue(send(relay, order, "a@dest.test").startsWith("250"));
      assertTrue(relay.sink.awaitMessages(1, Duration.ofSeconds(20)));
      Thread.sleep(1_500);
      assertTrue(send(relay, order, "a@dest.test").startsWith("250"));
      assertTrue(relay.sink.awaitMessages(2, Duration.ofSeconds(20)),
          "a resend after the window is a new message");
      assertEquals(2, copies(relay.sink, "Subject: order"));
    }
  }

  private static long copies(SmtpSink sink, String subject) {
    return sink.messages().stream().filter(m -> text(m).contains(subject)).count();
  }

  private static ReceivedMessage only(SmtpSink sink, String subject) {
    return sink.messages().stream().filter(m -> text(m).contains(subject)).findFirst()
        .orElseThrow();
  }

  private static String text(ReceivedMessage m) {
    return new String(m.data(), StandardCharsets.UTF_8);
  }

  /** One SMTP transaction with the same sender and body each time; the reply to the body. */
  private static String send(RelayFixture relay, String headers, String... recipients)
      throws Exception {
    try (SmtpDialog smtp = SmtpDialog.connect(relay.smtp())) {
      smtp.reply();
      smtp.command("EHLO app.client.test");
      assertTrue(smtp.command("MAIL FROM:<owner@sender.test>").startsWith("250"));
      for (String rcpt : recipients) {
        assertTrue(smtp.command("RCPT TO:<" + rcpt + ">").startsWith("250"));
      }
      assertTrue(smtp.command("DATA").startsWith("354"));
      String reply = smtp.send(headers + "\r\nthe same body\r\n.\r\n").reply();
      smtp.command("QUIT");
      return reply;
    }
  }
}

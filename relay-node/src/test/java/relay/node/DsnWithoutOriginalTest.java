package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import relay.persistence.spool.FileSpool;
import relay.testing.ReceivedMessage;

/**
 * DSNs when the spool cannot give them what they usually carry or keep (RFC 3464): an original
 * whose body is gone is reported without its headers part, and a DSN whose queue refuses it
 * leaves no body behind. Real node, real file spool, real sink.
 */
class DsnWithoutOriginalTest {

  @Test
  void aDsnWhoseOriginalIsGoneIsDeliveredWithoutIt() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.start();
      relay.sink.down();
      assertTrue(send(relay, "owner@sender.test", "x@dest.test").startsWith("250 2.0.0"));
      List<Path> bodies = spoolEntries(relay);
      assertEquals(1, bodies.size(), bodies.toString());
      Files.delete(bodies.get(0)); // lost: an operator, a crash, a disk

      relay.sink.up();
      assertTrue(relay.sink.awaitMessages(1, Duration.ofSeconds(20)), "the DSN arrives");
      ReceivedMessage dsn = relay.sink.messages().get(0);
      assertEquals("", dsn.mailFrom(), "null reverse path");
      assertEquals(List.of("owner@sender.test"), dsn.recipients());

      MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
          new ByteArrayInputStream(dsn.data()));
      ContentType type = new ContentType(message.getContentType());
      assertTrue(type.match("multipart/report"), type.toString());
      assertEquals("delivery-status", type.getParameter("report-type"));
      MimeMultipart parts = (MimeMultipart) message.getContent();
      assertEquals(2, parts.getCount(), "no text/rfc822-headers part");
      String human = text(parts.getBodyPart(0));
      assertTrue(human.contains("The content of your message is no longer available"), human);
      assertTrue(parts.getBodyPart(1).isMimeType("message/delivery-status"));
      String status = text(parts.getBodyPart(1));
      assertTrue(status.contains("Final-Recipient: rfc822; x@dest.test"), status);
      assertTrue(status.contains("Status: 5.3.0"), status);
      assertEquals(0, QueueLimitTest.spooledFiles(relay), "the DSN's own body released too");
    }
  }

  @Test
  void aDsnItsQueueRefusesLeavesNoBodyBehind() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      // the sender's domain has a mail exchanger that never answers, and a queue of one
      relay.dns.mx("full.test", 10, "mx.full.test").a("mx.full.test", "127.0.0.5");
      relay.with("relay.queue.max-pending-messages = 1")
          .with("relay.queue.dsn-retry-interval = 500ms")
          .start();
      assertTrue(send(relay, "a@sender.test", "filler@full.test").startsWith("250 2.0.0"));
      assertTrue(send(relay, "owner@full.test", "reject-x@dest.test").startsWith("250 2.0.0"));

      // the bounce's DSN goes to full.test, whose queue is full: refused, submitted again and
      // again (every 500 ms); each attempt spools a DSN body, which must go back at once
      Thread.sleep(5_000);
      List<Path> left = spoolEntries(relay);
      assertEquals(2, left.size(), "the filler and the bounced original (kept for its DSN): "
          + left);
      assertTrue(left.stream().anyMatch(p -> p.getFileName().toString().endsWith("@full.test")));
      assertTrue(left.stream().anyMatch(p -> p.getFileName().toString().endsWith("@dest.test")));
    }
  }

  /** Committed entries (links) under the data directory's spool, not the free pool. */
  private static List<Path> spoolEntries(RelayFixture relay) throws Exception {
    Path spool = relay.dataDir.resolve("spool");
    try (Stream<Path> all = Files.walk(spool)) {
      return all.filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(spool.resolve(FileSpool.FREE_DIRECTORY))).toList();
    }
  }

  private static String text(BodyPart part) throws Exception {
    try (InputStream in = part.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String send(RelayFixture relay, String from, String to) throws Exception {
    return SmtpDialog.sendOne(relay.smtp(), from, to,
        "Subject: original\r\nMessage-ID: <o-1@app.client.test>\r\n\r\nbody\r\n");
  }
}

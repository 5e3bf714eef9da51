package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import relay.testing.ReceivedMessage;

/**
 * The path of a message, end to end, against real parts: SMTP clients over sockets -> relay
 * (spool, event-sourced queue) -> MX lookup on a real DNS server -> SMTP sink on 127.0.0.2.
 * Run on H2 and on PostgreSQL by the two subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EndToEndContract {

  private static final Pattern QUEUED = Pattern.compile("^250 2\\.0\\.0 Ok: queued as (\\S+)");

  RelayFixture relay;

  abstract RelayFixture.Storage storage();

  @BeforeAll
  void startRelay() throws Exception {
    relay = RelayFixture.create(storage());
    relay.dns.nullMx("nullmx.test");
    relay.dns.nxdomain("nowhere.test");
    relay.start();
  }

  @AfterAll
  void stopRelay() throws Exception {
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void jakartaMailMessageIsRelayedToTheMxHost() throws Exception {
    String tag = UUID.randomUUID().toString();
    Properties props = new Properties();
    props.put("mail.smtp.host", relay.smtp().getHostString());
    props.put("mail.smtp.port", String.valueOf(relay.smtp().getPort()));
    props.put("mail.smtp.localhost", "app.client.test");
    Session session = Session.getInstance(props);
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress("app@sender.test"));
    message.setRecipients(Message.RecipientType.TO, "alice@dest.test");
    message.setSubject("hello " + tag);
    message.setText("body of " + tag + "\n.leading dot line\n");
    Transport.send(message);

    ReceivedMessage got = awaitMessageContaining(tag);
    assertEquals("app@sender.test", got.mailFrom());
    assertEquals(List.of("alice@dest.test"), got.recipients());
    MimeMessage delivered = new MimeMessage(null, new ByteArrayInputStream(got.data()));
    assertEquals("hello " + tag, delivered.getSubject());
    String firstReceived = delivered.getHeader("Received")[0];
    assertTrue(firstReceived.contains("from app.client.test"), firstReceived);
    assertTrue(firstReceived.contains("[127.0.0.1]"), firstReceived);
    assertTrue(firstReceived.contains("by relay.test"), firstReceived);
    assertTrue(got.text().contains("\r\n.leading dot line\r\n"), "dot-stuffing round trip");
  }

  @Test
  void pipelinedRawSessionWithRecipientsInTwoDomains() throws Exception {
    String tag = UUID.randomUUID().toString();
    try (SmtpDialog smtp = SmtpDialog.connect(relay.smtp())) {
      assertTrue(smtp.reply().startsWith("220 "));
      String ehlo = smtp.command("EHLO pipeliner.test");
      assertTrue(ehlo.contains("PIPELINING"), ehlo);
      smtp.send("MAIL FROM:<bulk@sender.test>\r\nRCPT TO:<one@dest.test>\r\nRCPT TO:<two@dest.test>\r\n"
          + "RCPT TO:<three@sender.test>\r\nDATA\r\n");
      assertTrue(smtp.reply().startsWith("250 2.1.0"));
      assertTrue(smtp.reply().startsWith("250 2.1.5"));
      assertTrue(smtp.reply().startsWith("250 2.1.5"));
      assertTrue(smtp.reply().startsWith("250 2.1.5"));
      assertTrue(smtp.reply().startsWith("354"));
      // No Message-ID and no Date: the relay adds both (RFC 5322 3.6).
      String queued = smtp.send("Subject: " + tag + "\r\n\r\nline one\r\n..dotted\r\n.\r\n").reply();
      Matcher m = QUEUED.matcher(queued);
      assertTrue(m.find(), queued);
      assertTrue(smtp.command("QUIT").startsWith("221"));
    }
    List<ReceivedMessage> got = awaitMessagesContaining(tag, 2);
    List<String> allRecipients = got.stream().flatMap(r -> r.recipients().stream()).sorted().toList();
    assertEquals(List.of("one@dest.test", "three@sender.test", "two@dest.test"), allRecipients);
    for (ReceivedMessage r : got) {
      String text = r.text();
      assertTrue(text.contains("\r\nMessage-ID: <") || text.startsWith("Message-ID: <")
          || text.contains("\nMessage-Id: <"), text);
      assertTrue(text.contains("\r\nDate: "), text);
      assertTrue(text.contains("\r\n.dotted\r\n"), text);
    }
  }

  @Test
  void permanentFailureReturnsADsnToTheSender() throws Exception {
    String tag = UUID.randomUUID().toString();
    sendSimple("owner@sender.test", "reject-bob@dest.test", tag);
    ReceivedMessage dsn = awaitDsnFor(tag);
    assertEquals("", dsn.mailFrom(), "a DSN has the null reverse-path");
    assertEquals(List.of("owner@sender.test"), dsn.recipients());
    DsnView view = DsnView.parse(dsn.data());
    assertEquals("failed", view.field("Action"));
    assertEquals("5.1.1", view.field("Status"));
    assertTrue(view.field("Diagnostic-Code").startsWith("smtp; 550"), view.field("Diagnostic-Code"));
    assertTrue(view.headersPart.contains(tag), "the original's headers are returned");
  }

  @Test
  void nullMxDestinationBouncesWith556() throws Exception {
    String tag = UUID.randomUUID().toString();
    sendSimple("owner@sender.test", "anyone@nullmx.test", tag);
    DsnView view = DsnView.parse(awaitDsnFor(tag).data());
    assertEquals("5.1.10", view.field("Status"));
    assertTrue(view.field("Diagnostic-Code").contains("556"), view.field("Diagnostic-Code"));
  }

  @Test
  void unknownDomainBounces() throws Exception {
    String tag = UUID.randomUUID().toString();
    sendSimple("owner@sender.test", "anyone@nowhere.test", tag);
    DsnView view = DsnView.parse(awaitDsnFor(tag).data());
    assertEquals("5.1.2", view.field("Status"));
  }

  @Test
  void nullSenderBounceGetsNoDsn() throws Exception {
    String tag = UUID.randomUUID().toString();
    sendSimple("", "reject-loop@dest.test", tag);
    String marker = "no-dsn-" + UUID.randomUUID();
    sendSimple("owner@sender.test", "after@dest.test", marker);
    awaitMessageContaining(marker);
    Thread.sleep(1_000);
    assertFalse(relay.sink.messages().stream().anyMatch(m -> m.text().contains(tag)),
        "neither the message nor a DSN about it reached anyone");
  }

  @Test
  void unregisteredClientMayNotRelay() throws Exception {
    try (SmtpDialog smtp = SmtpDialog.connectFrom("127.0.0.9", relay.smtp())) {
      assertTrue(smtp.reply().startsWith("220 "));
      smtp.command("EHLO stranger.test");
      assertTrue(smtp.command("MAIL FROM:<x@stranger.test>").startsWith("250"));
      assertEquals("554 5.7.1 Relay access denied", smtp.command("RCPT TO:<victim@dest.test>").lines().findFirst().orElse(""));
    }
  }

  // ------------------------------------------------------------------ helpers

  String sendSimple(String from, String to, String tag) throws IOException {
    try (SmtpDialog smtp = SmtpDialog.connect(relay.smtp())) {
      smtp.reply();
      smtp.command("EHLO app.client.test");
      String mail = smtp.command("MAIL FROM:<" + from + ">");
      assertTrue(mail.startsWith("250"), mail);
      String rcpt = smtp.command("RCPT TO:<" + to + ">");
      assertTrue(rcpt.startsWith("250"), rcpt);
      assertTrue(smtp.command("DATA").startsWith("354"));
      String queued = smtp.send("From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: " + tag
          + "\r\n\r\nHello " + tag + "\r\n.\r\n").reply();
      assertTrue(queued.startsWith("250 2.0.0"), queued);
      smtp.command("QUIT");
      return queued;
    }
  }

  ReceivedMessage awaitMessageContaining(String tag) throws InterruptedException {
    return awaitMessagesContaining(tag, 1).get(0);
  }

  List<ReceivedMessage> awaitMessagesContaining(String tag, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      List<ReceivedMessage> found = relay.sink.messages().stream()
          .filter(m -> !m.mailFrom().isEmpty() || !m.text().contains("multipart/report"))
          .filter(m -> m.text().contains(tag)).toList();
      if (found.size() >= n) {
        return found;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no " + n + " message(s) with " + tag + " at the sink");
  }

  ReceivedMessage awaitDsnFor(String tag) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (ReceivedMessage m : relay.sink.messages()) {
        if (m.mailFrom().isEmpty() && m.text().contains("multipart/report") && m.text().contains(tag)) {
          return m;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no DSN about " + tag + " at the sink");
  }

  /** A DSN parsed with Jakarta Mail: the delivery-status fields and the returned headers. */
  static final class DsnView {
    final String statusPart;
    final String headersPart;

    private DsnView(String statusPart, String headersPart) {
      this.statusPart = statusPart;
      this.headersPart = headersPart;
    }

    static DsnView parse(byte[] data) throws Exception {
      MimeMessage dsn = new MimeMessage(null, new ByteArrayInputStream(data));
      assertTrue(dsn.getContentType().toLowerCase().startsWith("multipart/report"), dsn.getContentType());
      assertTrue(dsn.getContentType().toLowerCase().contains("report-type=delivery-status"), dsn.getContentType());
      MimeMultipart parts = new MimeMultipart(dsn.getDataHandler().getDataSource());
      String status = null;
      String headers = null;
      for (int i = 0; i < parts.getCount(); i++) {
        BodyPart part = parts.getBodyPart(i);
        String type = part.getContentType().toLowerCase();
        if (type.startsWith("message/delivery-status")) {
          status = new String(part.getInputStream().readAllBytes());
        } else if (type.startsWith("text/rfc822-headers")) {
          headers = new String(part.getInputStream().readAllBytes());
        }
      }
      assertTrue(status != null, "a message/delivery-status part");
      assertTrue(headers != null, "a text/rfc822-headers part");
      return new DsnView(status, headers);
    }

    /** The value of a per-recipient field (the last occurrence of the name). */
    String field(String name) {
      String value = null;
      for (String line : statusPart.split("\r?\n")) {
        if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
          value = line.substring(name.length() + 1).trim();
        }
      }
      assertTrue(value != null, name + " in " + statusPart);
      return value;
    }
  }
}

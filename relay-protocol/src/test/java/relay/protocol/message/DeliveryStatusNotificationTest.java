package relay.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import relay.protocol.reply.SmtpReply;

class DeliveryStatusNotificationTest {

  private static final Instant ARRIVED = Instant.parse("2025-03-04T10:15:30Z");
  private static final Instant TRIED = Instant.parse("2025-03-04T10:16:00Z");
  private static final String ORIGINAL = "From: App <app@origin.test>\r\nTo: user@dest.test\r\n"
      + "Subject: Invoice 42\r\nMessage-ID: <42@origin.test>\r\n\r\nBody of the original\r\n";

  private static MimeMessage parse(byte[] bytes) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
  }

  private static String partText(BodyPart part) throws Exception {
    try (InputStream in = part.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static HeaderSection originalHeaders() throws IOException {
    return HeaderSection.read(new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.US_ASCII)), 64 * 1024);
  }

  @Test
  void failureReportParsesAsMultipartReportWithStatusPerRecipient() throws Exception {
    DeliveryStatusNotification dsn = DeliveryStatusNotification.builder(
            DsnReport.failed("relay.example.test", ARRIVED, "app@origin.test"))
        .recipient(DsnRecipient.failed("user@dest.test",
            new SmtpReply(550, "5.1.1", List.of("<user@dest.test>: Recipient address rejected:", "User unknown"), false),
            Optional.of("mx1.dest.test"), TRIED))
        .recipient(DsnRecipient.failed("other@dest.test", SmtpReply.of(554, "", "Transaction failed"),
            Optional.of("mx1.dest.test"), TRIED))
        .recipient(DsnRecipient.failed("who@nowhere.test", SmtpReply.of(550, "5.1.2", "Recipient domain not found"),
            Optional.empty(), TRIED))
        .originalHeaders(originalHeaders())
        .date(TRIED)
        .build();

    MimeMessage message = parse(dsn.bytes());

    ContentType type = new ContentType(message.getContentType());
    assertTrue(type.match("multipart/report"), type.toString());
    assertEquals("delivery-status", type.getParameter("report-type"));
    assertEquals("Undelivered Mail Returned to Sender", message.getSubject());
    assertEquals("auto-replied", message.getHeader("Auto-Submitted")[0]);
    assertEquals(new InternetAddress("MAILER-DAEMON@relay.example.test", "Mail Delivery System"),
        message.getFrom()[0]);
    assertEquals("app@origin.test", message.getHeader("To")[0]);
    assertEquals(dsn.messageId(), message.getMessageID());
    assertEquals("1.0", message.getHeader("MIME-Version")[0]);
    assertEquals("Tue, 4 Mar 2025 10:16:00 +0000", message.getHeader("Date")[0]);

    MimeMultipart parts = (MimeMultipart) message.getContent();
    assertEquals(3, parts.getCount());
    assertTrue(parts.getBodyPart(0).isMimeType("text/plain"));
    String human = partText(parts.getBodyPart(0));
    assertTrue(human.contains("<user@dest.test>: host mx1.dest.test said: 550 5.1.1"), human);
    assertTrue(human.contains("<who@nowhere.test>: 550 5.1.2 Recipient domain not found"), human);

    assertTrue(parts.getBodyPart(1).isMimeType("message/delivery-status"));
    String status = partText(parts.getBodyPart(1)).replace("\r\n ", " ");
    assertTrue(status.startsWith("Reporting-MTA: dns; relay.example.test\r\nArrival-Date: Tue, 4 Mar 2025 10:15:30 +0000\r\n\r\n"),
        status);
    assertTrue(status.contains("Final-Recipient: rfc822; user@dest.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        + "Remote-MTA: dns; mx1.dest.test\r\n"
        + "Diagnostic-Code: smtp; 550 5.1.1 <user@dest.test>: Recipient address rejected: User unknown\r\n"
        + "Last-Attempt-Date: Tue, 4 Mar 2025 10:16:00 +0000\r\n"), status);
    assertTrue(status.contains("Final-Recipient: rfc822; other@dest.test\r\nAction: failed\r\nStatus: 5.0.0\r\n"),
        "status derived from the basic code: " + status);
    assertTrue(status.contains("Diagnostic-Code: X-Relay; 550 5.1.2 Recipient domain not found"), status);
    assertFalse(status.contains("Will-Retry-Until"));

    assertTrue(parts.getBodyPart(2).isMimeType("text/rfc822-headers"));
    String headers = partText(parts.getBodyPart(2));
    assertTrue(headers.contains("Subject: Invoice 42\r\n"), headers);
    assertFalse(headers.contains("Body of the original"), headers);
  }

  @Test
  void anOriginalNoLongerAvailableGivesTwoPartsAndSaysSo() throws Exception {
    DeliveryStatusNotification dsn = DeliveryStatusNotification.builder(
            DsnReport.failed("relay.example.test", ARRIVED, "app@origin.test"))
        .recipient(DsnRecipient.failed("user@dest.test",
            SmtpReply.of(554, "5.3.0", "Message body lost from the relay's spool"), Optional.empty(),
            TRIED))
        .originalUnavailable()
        .date(TRIED)
        .build();

    MimeMessage message = parse(dsn.bytes());
    assertTrue(new ContentType(message.getContentType()).match("multipart/report"));
    MimeMultipart parts = (MimeMultipart) message.getContent();
    assertEquals(2, parts.getCount(), "no headers part");
    String human = partText(parts.getBodyPart(0));
    assertTrue(human.contains("The content of your message is no longer available"), human);
    assertFalse(human.contains("headers of your message are attached"), human);
    assertTrue(parts.getBodyPart(1).isMimeType("message/delivery-status"));
    assertTrue(partText(parts.getBodyPart(1)).contains("Status: 5.3.0"));
  }

  @Test
  void everyLineEndsWithCrlfAndStaysShort() throws Exception {
    String longText = "word ".repeat(60).trim();
    byte[] bytes = DeliveryStatusNotification.builder(DsnReport.failed("relay.test", ARRIVED, "a@o.test"))
        .recipient(DsnRecipient.failed("b@d.test", SmtpReply.of(550, "5.7.1", longText), Optional.of("mx.d.test"),
            TRIED))
        .build().bytes();

    String text = new String(bytes, StandardCharsets.US_ASCII);
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        assertEquals('\r', text.charAt(i - 1), "bare LF at " + i);
      }
    }
    for (String line : text.split("\r\n")) {
      assertTrue(line.length() <= 998, "RFC 5322 line limit");
    }
    String status = partText(((MimeMultipart) parse(bytes).getContent()).getBodyPart(1));
    assertTrue(status.contains("Diagnostic-Code: smtp; 550 5.7.1 word"), status);
    assertTrue(status.replace("\r\n ", " ").contains("550 5.7.1 " + longText), "folded, not cut");
  }

  @Test
  void delayReportSaysWhenTheRelayGivesUp() throws Exception {
    Instant until = Instant.parse("2025-03-09T10:15:30Z");
    DeliveryStatusNotification dsn = DeliveryStatusNotification.builder(
            DsnReport.delayed("relay.test", ARRIVED, "app@origin.test", until))
        .recipient(DsnRecipient.delayed("slow@dest.test", SmtpReply.of(451, "4.7.1", "Try again later"),
            Optional.of("mx.dest.test"), TRIED))
        .build();

    MimeMessage message = parse(dsn.bytes());
    assertEquals("Delayed Mail (still being retried)", message.getSubject());
    MimeMultipart parts = (MimeMultipart) message.getContent();
    assertEquals(2, parts.getCount(), "no headers part when none given");
    String status = partText(parts.getBodyPart(1));
    assertTrue(status.contains("Action: delayed\r\nStatus: 4.7.1\r\n"), status);
    assertTrue(status.contains("Will-Retry-Until: Sun, 9 Mar 2025 10:15:30 +0000\r\n"), status);
    assertTrue(partText(parts.getBodyPart(0)).contains("until Sun, 9 Mar 2025 10:15:30 +0000"));
  }

  @Test
  void utf8AddressesMakeAGlobalReport() throws Exception {
    DeliveryStatusNotification dsn = DeliveryStatusNotification.builder(
            DsnReport.failed("relay.test", ARRIVED, "app@origin.test"))
        .recipient(DsnRecipient.failed("j\u00f6rg@dest.test", SmtpReply.of(550, "5.1.1", "unknown"),
            Optional.of("mx.dest.test"), TRIED))
        .build();

    MimeMessage message = parse(dsn.bytes());
    assertEquals("global-delivery-status", new ContentType(message.getContentType()).getParameter("report-type"));
    BodyPart status = ((MimeMultipart) message.getContent()).getBodyPart(1);
    assertTrue(status.isMimeType("message/global-delivery-status"));
    assertTrue(partText(status).contains("Final-Recipient: utf-8; j\u00f6rg@dest.test"));
  }

  @Test
  void refusesWhatMustNotBeSent() {
    assertThrows(IllegalArgumentException.class, () -> DsnReport.failed("relay.test", ARRIVED, ""),
        "no DSN to the null sender");
    assertThrows(IllegalArgumentException.class,
        () -> DsnReport.failed("relay.test", ARRIVED, "a@b.test\r\nBcc: victim@x.test"));
    assertThrows(IllegalArgumentException.class, () -> new DsnRecipient("a@b.test", "bounced",
        SmtpReply.of(550, "5.1.1", "x"), Optional.empty(), TRIED));
    assertThrows(IllegalStateException.class,
        () -> DeliveryStatusNotification.builder(DsnReport.failed("relay.test", ARRIVED, "a@o.test")).build());
  }

  @Test
  void remoteTextCannotInjectFields() throws Exception {
    byte[] bytes = DeliveryStatusNotification.builder(DsnReport.failed("relay.test", ARRIVED, "a@o.test"))
        .recipient(DsnRecipient.failed("b@d.test", SmtpReply.of(550, "5.1.1", "bad\rAction: delivered"),
            Optional.of("mx.d.test"), TRIED))
        .build().bytes();

    String status = partText(((MimeMultipart) parse(bytes).getContent()).getBodyPart(1));
    assertFalse(status.contains("\r\nAction: delivered"), status);
  }
}

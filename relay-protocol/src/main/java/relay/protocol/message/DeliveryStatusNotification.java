package relay.protocol.message;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import relay.protocol.reply.DsnWording;
import relay.protocol.reply.SmtpReply;

/**
 * A delivery status notification (RFC 3464) built with Jakarta Mail, as the bytes to spool and
 * send (CRLF lines). The caller sends it with the null reverse path (RFC 5321 4.5.5).
 *
 * <p>Structure: {@code multipart/report; report-type=delivery-status} (RFC 6522) with
 * <ol>
 *   <li>text/plain: what happened, per recipient its address and the reply;
 *   <li>message/delivery-status: Reporting-MTA, Original-Envelope-Id, Arrival-Date, then per
 *       recipient Final-Recipient, Action, Status, Remote-MTA, Diagnostic-Code, Last-Attempt-Date
 *       and, when delayed, Will-Retry-Until;
 *   <li>text/rfc822-headers: the original message's header section, when given. When the
 *       original is no longer available ({@link Builder#originalUnavailable()}) there is no third
 *       part and the text says so (RFC 3464 2: the third part is optional).
 * </ol>
 * Headers: From "Mail Delivery System" &lt;MAILER-DAEMON@host&gt;, To the original sender,
 * Subject, Date, Message-ID, Auto-Submitted: auto-replied (RFC 3834 5), MIME-Version.
 *
 * <p>When an address or the original headers are not ASCII (SMTPUTF8 mail), parts 2 and 3 use
 * the RFC 6533 types message/global-delivery-status and message/global-headers with 8bit
 * encoding, and the report type is global-delivery-status.
 */
public final class DeliveryStatusNotification {

  private final String messageId;
  private final String to;
  private final byte[] bytes;

  private DeliveryStatusNotification(String messageId, String to, byte[] bytes) {
    this.messageId = messageId;
    this.to = to;
    this.bytes = bytes;
  }

  public static Builder builder(DsnReport report) {
    return new Builder(report);
  }

  /** The Message-ID, with angle brackets. */
  public String messageId() {
    return messageId;
  }

  /** The envelope recipient of the DSN: the original sender. */
  public String to() {
    return to;
  }

  /** The whole message, CRLF lines. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Collects recipients and the original headers; {@link #build()} makes the message. */
  public static final class Builder {
    private final DsnReport report;
    private final List<DsnRecipient> recipients = new ArrayList<>();
    private HeaderSection originalHeaders;
    private boolean originalUnavailable;
    private Instant date = Instant.now();
    private String messageId;

    private Builder(DsnReport report) {
      this.report = Objects.requireNonNull(report, "report");
    }

    public Builder recipient(DsnRecipient recipient) {
      recipients.add(Objects.requireNonNull(recipient, "recipient"));
      return this;
    }

    public Builder recipients(List<DsnRecipient> all) {
      all.forEach(this::recipient);
      return this;
    }

    /** The original header section for part 3 (see {@link HeaderSection#read}). */
    public Builder originalHeaders(HeaderSection headers) {
      this.originalHeaders = Objects.requireNonNull(headers, "headers");
      this.originalUnavailable = false;
      return this;
    }

    /**
     * The original message is gone (its body was deleted, lost or cannot be read): the DSN has
     * no headers part, and its text tells the sender that the content is no longer available.
     */
    public Builder originalUnavailable() {
      this.originalHeaders = null;
      this.originalUnavailable = true;
      return this;
    }

    /** The Date of the DSN; now by default. */
    public Builder date(Instant when) {
      this.date = Objects.requireNonNull(when, "date");
      return this;
    }

    /** A Message-ID with angle brackets; a unique one at the reporting MTA by default. */
    public Builder messageId(String id) {
      DsnText.requireOneLine("messageId", id);
      this.messageId = id;
      return this;
    }

    public DeliveryStatusNotification build() {
      if (recipients.isEmpty()) {
        throw new IllegalStateException("a DSN reports on at least one recipient");
      }
      String id = messageId != null ? messageId : newMessageId(report.reportingMta(), date);
      boolean global = !DsnText.isAscii(report.originalSender())
          || recipients.stream().anyMatch(r -> !DsnText.isAscii(r.recipient()))
          || (originalHeaders != null && !originalHeaders.isAscii());
      try {
        MimeMessage message = new FixedIdMessage(Session.getInstance(new Properties()), id);
        message.setHeader("From", "\"" + DsnWording.FROM_NAME + "\" <MAILER-DAEMON@"
            + report.reportingMta() + ">");
        message.setHeader("To", report.originalSender());
        message.setHeader("Subject", report.kind() == DsnKind.FAILED
            ? DsnWording.FAILED_SUBJECT : DsnWording.DELAYED_SUBJECT);
        message.setHeader("Date", DsnText.date(date));
        message.setHeader("Auto-Submitted", "auto-replied");

        MimeMultipart parts = new ReportMultipart(global ? "global-delivery-status" : "delivery-status");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(humanText(), "utf-8");
        text.setHeader("Content-Description", DsnWording.TEXT_PART);
        parts.addBodyPart(text);
        parts.addBodyPart(rawPart(deliveryStatus().getBytes(StandardCharsets.UTF_8),
            global ? "message/global-delivery-status" : "message/delivery-status", global, DsnWording.REPORT_PART));
        if (originalHeaders != null) {
          parts.addBodyPart(rawPart(originalHeaders.bytes(),
              global ? "message/global-headers" : "text/rfc822-headers", global,
              DsnWording.HEADERS_PART));
        }
        message.setContent(parts);
        message.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        message.writeTo(out);
        return new DeliveryStatusNotification(id, report.originalSender(), out.toByteArray());
      } catch (MessagingException e) {
        throw new IllegalStateException("building DSN failed", e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private String humanText() {
      StringBuilder t = new StringBuilder(512);
      t.append(DsnWording.introduction(report.reportingMta())).append("\r\n\r\n");
      t.append(report.kind() == DsnKind.FAILED ? DsnWording.failed()
          : DsnWording.delayed(report.retryUntil().map(DsnText::date))).append("\r\n\r\n");
      for (DsnRecipient r : recipients) {
        t.append('<').append(r.recipient()).append(">: ");
        if (r.remoteHost().isPresent()) {
          t.append(DsnWording.remoteSaid(r.remoteHost().get()));
        }
        t.append(DsnText.oneLine(replyText(r.reply()))).append("\r\n\r\n");
      }
      t.append(originalHeaders != null ? DsnWording.HEADERS_ATTACHED
          : originalUnavailable ? DsnWording.ORIGINAL_UNAVAILABLE : DsnWording.REPORT_ATTACHED)
          .append("\r\n");
      return t.toString();
    }

    private String deliveryStatus() {
      StringBuilder s = new StringBuilder(512);
      DsnText.field(s, "Reporting-MTA", "dns; " + report.reportingMta());
      report.originalEnvelopeId().ifPresent(envid -> DsnText.field(s, "Original-Envelope-Id", envid));
      DsnText.field(s, "Arrival-Date", DsnText.date(report.arrivalDate()));
      for (DsnRecipient r : recipients) {
        s.append("\r\n");
        DsnText.field(s, "Final-Recipient", (DsnText.isAscii(r.recipient()) ? "rfc822; " : "utf-8; ") + r.recipient());
        DsnText.field(s, "Action", r.action());
        DsnText.field(s, "Status", r.status());
        r.remoteHost().ifPresent(host -> DsnText.field(s, "Remote-MTA", "dns; " + host));
        // "smtp" only for what an SMTP server said; the relay's own verdicts (DNS, expiry) are
        // marked with an extension type (RFC 3464 2.3.6 allows "X-" types).
        DsnText.field(s, "Diagnostic-Code",
            (r.remoteHost().isPresent() ? "smtp; " : "X-Relay; ") + replyText(r.reply()));
        DsnText.field(s, "Last-Attempt-Date", DsnText.date(r.lastAttempt()));
        if (r.action().equals("delayed")) {
          report.retryUntil().ifPresent(until -> DsnText.field(s, "Will-Retry-Until", DsnText.date(until)));
        }
      }
      return s.toString();
    }
  }

  /** "550 5.1.1 first line second line": the whole reply on one logical line. */
  private static String replyText(SmtpReply reply) {
    StringBuilder out = new StringBuilder(64).append(reply.code());
    if (!reply.enhanced().isEmpty()) {
      out.append(' ').append(reply.enhanced());
    }
    for (String line : reply.lines()) {
      if (!line.isEmpty()) {
        out.append(' ').append(line);
      }
    }
    return out.toString();
  }

  private static MimeBodyPart rawPart(byte[] content, String type, boolean eightBit, String description)
      throws MessagingException {
    MimeBodyPart part = new MimeBodyPart();
    part.setDataHandler(new DataHandler(new ByteArrayDataSource(content, type)));
    part.setHeader("Content-Type", type);
    part.setHeader("Content-Description", description);
    part.setHeader("Content-Transfer-Encoding", eightBit ? "8bit" : "7bit");
    return part;
  }

  private static String newMessageId(String host, Instant date) {
    byte[] random = new byte[8];
    ThreadLocalRandom.current().nextBytes(random);
    return "<" + date.toEpochMilli() + "." + HexFormat.of().formatHex(random) + ".dsn@" + host + ">";
  }

  /** multipart/report with its report-type parameter (RFC 6522 3). */
  private static final class ReportMultipart extends MimeMultipart {
    ReportMultipart(String reportType) throws ParseException {
      super("report");
      ContentType type = new ContentType(contentType);
      type.setParameter("report-type", reportType);
      contentType = type.toString();
    }
  }

  /** Keeps the Message-ID we chose instead of one Jakarta Mail makes up on saveChanges. */
  private static final class FixedIdMessage extends MimeMessage {
    private final String id;

    FixedIdMessage(Session session, String id) {
      super(session);
      this.id = id;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", id);
    }
  }

  @Override
  public String toString() {
    return "DeliveryStatusNotification[" + messageId + " to " + to + ", " + bytes.length + " bytes]";
  }
}

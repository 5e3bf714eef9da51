package relay.node.notice;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * A notice as an RFC 5322 message, built with Jakarta Mail: From, To (one client's contacts
 * only), Subject (RFC 2047 encoded when not ASCII), Date, Message-ID, {@code Auto-Submitted:
 * auto-generated} (RFC 3834 5: automatic, not a reply, so auto-responders stay quiet), MIME
 * text/plain in UTF-8 (quoted-printable when needed), CRLF line ends.
 */
final class NoticeMessage {

  private static final Session SESSION = Session.getInstance(new Properties());

  private NoticeMessage() {}

  static byte[] build(String from, List<String> to, String subject, String body,
      String messageId, Instant date) {
    try {
      MimeMessage m = new MimeMessage(SESSION) {
        @Override
        protected void updateMessageID() throws MessagingException {
          setHeader("Message-ID", messageId);
        }
      };
      m.setFrom(address(from));
      m.setRecipients(Message.RecipientType.TO,
          to.stream().map(NoticeMessage::address).toArray(InternetAddress[]::new));
      m.setSubject(subject, "UTF-8");
      m.setSentDate(Date.from(date));
      m.setHeader("Auto-Submitted", "auto-generated");
      String crlf = body.replace("\r\n", "\n").replace("\n", "\r\n");
      m.setText(crlf.endsWith("\r\n") ? crlf : crlf + "\r\n", "UTF-8");
      m.saveChanges();
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length() + 1024);
      m.writeTo(out);
      return out.toByteArray();
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException("cannot build the notice " + messageId + ": " + e, e);
    }
  }

  private static InternetAddress address(String mailbox) {
    try {
      return new InternetAddress(mailbox, true);
    } catch (AddressException e) {
      throw new IllegalArgumentException("not an address for a notice: " + mailbox, e);
    }
  }
}

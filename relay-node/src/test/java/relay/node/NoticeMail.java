package relay.node;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import relay.testing.ReceivedMessage;
import relay.testing.SmtpSink;

/**
 * A notice as the sink received it, parsed with Jakarta Mail: envelope sender, the To
 * addresses, From, Subject (decoded), the text body, and the headers every notice must carry.
 */
record NoticeMail(String envelopeSender, List<String> envelopeRecipients, String from,
    List<String> to, String subject, String body, String autoSubmitted, String messageId,
    String date) {

  private static final Session SESSION = Session.getInstance(new Properties());

  static NoticeMail parse(ReceivedMessage received) {
    try {
      MimeMessage m = new MimeMessage(SESSION, new ByteArrayInputStream(received.data()));
      Address[] to = m.getRecipients(Message.RecipientType.TO);
      return new NoticeMail(received.mailFrom(), received.recipients(),
          m.getFrom()[0].toString(),
          to == null ? List.of() : Arrays.stream(to).map(Address::toString).sorted().toList(),
          m.getSubject(), m.getContent().toString().replace("\r\n", "\n"),
          m.getHeader("Auto-Submitted", null), m.getMessageID(), m.getHeader("Date", null));
    } catch (Exception e) {
      throw new AssertionError("not a parseable notice: " + received.text(), e);
    }
  }

  /** The notices (null sender, a notice Message-ID) at the sink that match {@code which}. */
  static List<NoticeMail> at(SmtpSink sink, Predicate<NoticeMail> which) {
    return sink.messages().stream()
        .filter(m -> m.mailFrom().isEmpty() && m.text().contains(".notice@"))
        .map(NoticeMail::parse).filter(which).toList();
  }

  /** Waits until {@code n} matching notices arrived (at most {@code timeout}); returns them. */
  static List<NoticeMail> await(SmtpSink sink, Predicate<NoticeMail> which, int n,
      Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<NoticeMail> found = at(sink, which);
    while (found.size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected " + n + " notices, got " + found + " of "
            + at(sink, m -> true));
      }
      Thread.sleep(50);
      found = at(sink, which);
    }
    return found;
  }
}

package relay.persistence.queue;

import java.util.Objects;
import relay.persistence.CborSerializable;
import relay.protocol.reply.SmtpReply;

/**
 * A remote server's reply as kept in events and DSNs: basic code, enhanced status (RFC 3463, may
 * be empty) and the first text line. Small on purpose: events hold no multi-line transcripts.
 */
public record RecordedReply(int code, String enhanced, String text) implements CborSerializable {

  public RecordedReply {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("reply code out of range: " + code);
    }
    enhanced = enhanced == null ? "" : enhanced;
    text = Objects.requireNonNullElse(text, "");
  }

  public static RecordedReply of(SmtpReply reply) {
    return new RecordedReply(reply.code(), reply.enhanced(), reply.lines().get(0));
  }

  public SmtpReply toSmtpReply() {
    return SmtpReply.of(code, enhanced, text);
  }

  public boolean positive() {
    return code < 400;
  }

  public boolean permanent() {
    return code >= 500;
  }

  /** "550 5.1.1 No such user", as logged. */
  public String summary() {
    return enhanced.isEmpty() ? code + " " + text : code + " " + enhanced + " " + text;
  }
}

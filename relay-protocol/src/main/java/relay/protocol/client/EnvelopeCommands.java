package relay.protocol.client;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import relay.protocol.reply.DeliveryReplies;
import relay.protocol.reply.SmtpReply;

/**
 * What the client says, and refuses to say, for one envelope to a server with given
 * capabilities; and whether a server's reply names this relay. Pure functions.
 */
final class EnvelopeCommands {

  private EnvelopeCommands() {}

  /**
   * A refusal before anything is sent, for every recipient: SMTPUTF8 needed but not offered
   * {@code 553 5.6.7} (RFC 6531 3.5), 8-bit content but no 8BITMIME {@code 554 5.6.3} (RFC 6152
   * 3), size above the server's SIZE limit {@code 552 5.3.4} (RFC 1870 6).
   */
  static Optional<SmtpReply> localRefusal(OutboundEnvelope envelope, Capabilities capabilities, String remoteName) {
    if (envelope.smtputf8() && !capabilities.smtpUtf8()) {
      return Optional.of(DeliveryReplies.needsSmtputf8(remoteName));
    }
    if (envelope.eightBit() && !capabilities.eightBitMime()) {
      return Optional.of(DeliveryReplies.needs8bitmime(remoteName));
    }
    if (capabilities.size() && capabilities.maxSize() > 0 && envelope.size() > capabilities.maxSize()) {
      return Optional.of(DeliveryReplies.tooBigFor(remoteName, envelope.size(), capabilities.maxSize()));
    }
    return Optional.empty();
  }

  /** MAIL FROM with SIZE=, BODY=8BITMIME and SMTPUTF8 as needed and offered. */
  static String mail(OutboundEnvelope envelope, Capabilities capabilities) {
    StringBuilder mail = new StringBuilder(64).append("MAIL FROM:<").append(envelope.mailFrom()).append('>');
    if (capabilities.size() && envelope.size() > 0) {
      mail.append(" SIZE=").append(envelope.size());
    }
    if (envelope.eightBit() && capabilities.eightBitMime()) {
      mail.append(" BODY=8BITMIME");
    }
    if (envelope.smtputf8()) {
      mail.append(" SMTPUTF8");
    }
    return mail.toString();
  }

  /**
   * True when the first word of the reply's first line (the host name in a greeting or an EHLO
   * reply, RFC 5321 4.1.1.1 and 4.3.1) is one of {@code names} (lower case).
   */
  static boolean namesOneOf(SmtpReply reply, Set<String> names) {
    if (names.isEmpty()) {
      return false;
    }
    String first = reply.lines().get(0).trim();
    int space = first.indexOf(' ');
    return names.contains((space < 0 ? first : first.substring(0, space)).toLowerCase(Locale.ROOT));
  }
}

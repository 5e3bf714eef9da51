package relay.protocol.client;

import java.util.List;
import java.util.Objects;

/**
 * The envelope of one outbound transaction.
 *
 * @param mailFrom reverse path without angle brackets; "" is the null sender (DSNs, RFC 5321 4.5.5)
 * @param recipients forward paths without angle brackets, at least one
 * @param size the message size in bytes for SIZE= (RFC 1870); 0 or less when unknown
 * @param eightBit the body has 8-bit content, needs BODY=8BITMIME (RFC 6152)
 * @param smtputf8 an address or header needs SMTPUTF8 (RFC 6531)
 */
public record OutboundEnvelope(String mailFrom, List<String> recipients, long size, boolean eightBit, boolean smtputf8) {

  public OutboundEnvelope {
    Objects.requireNonNull(mailFrom, "mailFrom");
    recipients = List.copyOf(recipients);
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("an envelope needs at least one recipient");
    }
    checkPath(mailFrom);
    for (String r : recipients) {
      if (r.isEmpty()) {
        throw new IllegalArgumentException("empty recipient");
      }
      checkPath(r);
    }
  }

  /** A path must not be able to inject a second command or break the angle brackets. */
  private static void checkPath(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\r' || c == '\n' || c == '\0' || c == '<' || c == '>') {
        throw new IllegalArgumentException("invalid character in path: " + path.replace("\r", "\\r").replace("\n", "\\n"));
      }
    }
  }
}

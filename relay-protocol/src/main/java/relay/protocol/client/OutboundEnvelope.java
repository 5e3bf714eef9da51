package relay.protocol.client;

import java.util.List;
import java.util.Objects;
import relay.protocol.address.MailboxParser;
import relay.protocol.address.ParsedPath;

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
    if (!mailFrom.isEmpty()) {
      checkMailbox(mailFrom);
    }
    for (String r : recipients) {
      checkMailbox(r);
    }
  }

  /**
   * A path must be a mailbox as RFC 5321 4.1.2 writes it (UTF-8 allowed, RFC 6531): then it can
   * neither inject a command nor break the angle brackets, and a quoted local part such as
   * {@code "a>b"@example.org} goes out exactly as the relay accepted it.
   */
  private static void checkMailbox(String path) {
    if (!(MailboxParser.parseForwardPath("<" + path + ">", true) instanceof ParsedPath.Ok)) {
      throw new IllegalArgumentException("not a mailbox: "
          + path.replace("\r", "\\r").replace("\n", "\\n"));
    }
  }
}

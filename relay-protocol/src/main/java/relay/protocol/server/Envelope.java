package relay.protocol.server;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import relay.protocol.address.Mailbox;

/**
 * The SMTP envelope of one accepted message, handed to {@link MessageWriter#commit}.
 *
 * @param sender empty for the null reverse-path {@code <>}
 * @param recipients accepted recipients, in RCPT order ({@code <postmaster>} is given the
 *     server's host name as domain)
 * @param protocol the Received "with" keyword: SMTP, ESMTP or UTF8SMTP (RFC 3848, RFC 6531)
 * @param size octets of the message as the client sent it, dot-unstuffed, before amendment
 */
public record Envelope(String queueId, Optional<Mailbox> sender, List<Mailbox> recipients,
    String heloName, ClientIdentity client, String protocol, Instant receivedAt, long size,
    boolean eightBitMime, boolean smtputf8) {

  public Envelope {
    Objects.requireNonNull(queueId, "queueId");
    Objects.requireNonNull(sender, "sender");
    recipients = List.copyOf(recipients);
    Objects.requireNonNull(heloName, "heloName");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(receivedAt, "receivedAt");
  }
}

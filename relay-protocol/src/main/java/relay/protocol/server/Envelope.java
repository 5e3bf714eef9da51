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
 * @param contentDigest checksum of the content as the client sent it, present only when it
 *     carries a Message-ID ({@link HeaderAmender#contentDigest()}); what retries are recognised by
 */
public record Envelope(String queueId, Optional<Mailbox> sender, List<Mailbox> recipients,
    String heloName, ClientIdentity client, String protocol, Instant receivedAt, long size,
    boolean eightBitMime, boolean smtputf8, Optional<String> contentDigest) {

  /** An envelope whose content is not (yet) digested. */
  public Envelope(String queueId, Optional<Mailbox> sender, List<Mailbox> recipients,
      String heloName, ClientIdentity client, String protocol, Instant receivedAt, long size,
      boolean eightBitMime, boolean smtputf8) {
    this(queueId, sender, recipients, heloName, client, protocol, receivedAt, size, eightBitMime,
        smtputf8, Optional.empty());
  }

  public Envelope {
    Objects.requireNonNull(queueId, "queueId");
    Objects.requireNonNull(sender, "sender");
    recipients = List.copyOf(recipients);
    Objects.requireNonNull(heloName, "heloName");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(contentDigest, "contentDigest");
  }

  /** This envelope with the digest of its content. */
  public Envelope withContentDigest(Optional<String> digest) {
    return new Envelope(queueId, sender, recipients, heloName, client, protocol, receivedAt, size,
        eightBitMime, smtputf8, digest);
  }
}

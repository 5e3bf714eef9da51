package relay.persistence.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import relay.persistence.CborSerializable;

/**
 * What the node needs to build one DSN (RFC 3464) to the original sender. The node reads the
 * original's headers from the spool (queue id, domain); the queue keeps that spool entry until
 * {@link DsnPort#submit} completed.
 *
 * @param retryUntil for {@link DsnKind#DELAYED}: when the relay gives up (Will-Retry-Until)
 */
public record DsnRequest(DsnKind kind, String queueId, String domain, String sender,
    Instant receivedAt, List<FailedRecipient> recipients, Optional<Instant> retryUntil)
    implements CborSerializable {

  public DsnRequest {
    recipients = List.copyOf(recipients);
  }
}

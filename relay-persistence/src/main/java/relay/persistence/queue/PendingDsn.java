package relay.persistence.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import relay.persistence.CborSerializable;

/**
 * A DSN a {@link DeliveryQueue} decided and the DSN port has not accepted yet. Part of the
 * queue's snapshots (a field of {@link DeliveryQueue.Snapshot}, so its class name is not in the
 * stored form; its field names are).
 */
public record PendingDsn(String dsnId, DsnKind kind, String queueId, String sender,
    Instant receivedAt, List<FailedRecipient> recipients, Optional<Instant> retryUntil)
    implements CborSerializable {

  public PendingDsn {
    recipients = List.copyOf(recipients);
  }

  PendingDsn plus(List<FailedRecipient> more) {
    List<FailedRecipient> all = new ArrayList<>(recipients);
    all.addAll(more);
    return new PendingDsn(dsnId, kind, queueId, sender, receivedAt, all, retryUntil);
  }

  DsnRequest request(String domain) {
    return new DsnRequest(kind, queueId, domain, sender, receivedAt, recipients, retryUntil);
  }
}

package relay.persistence.queue;

import java.time.Instant;
import java.util.List;
import relay.persistence.CborSerializable;

/**
 * One message a {@link DeliveryQueue} holds: compact, only what scheduling and DSNs need. Part
 * of the queue's snapshots (a field of {@link DeliveryQueue.Snapshot}, so its class name is not
 * in the stored form; its field names are).
 */
public record PendingMessage(String queueId, String sender, List<String> recipients, long size,
    Instant receivedAt, boolean eightBit, boolean smtputf8, int attempts, Instant nextAttemptAt,
    boolean delayWarned) implements CborSerializable {

  public PendingMessage {
    recipients = List.copyOf(recipients);
  }

  boolean hasNullSender() {
    return sender.isEmpty();
  }

  DeliveryJob job() {
    return new DeliveryJob(queueId, sender, recipients, size, eightBit, smtputf8, attempts + 1);
  }
}

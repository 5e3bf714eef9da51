package relay.persistence.queue;

import java.time.Instant;
import java.util.List;
import relay.persistence.CborSerializable;

/**
 * One message a {@link DeliveryQueue} holds: compact, only what scheduling, DSNs and delay
 * notices need. Part of the queue's snapshots (a field of {@link DeliveryQueue.Snapshot}, so its
 * class name is not in the stored form; its field names are).
 *
 * @param client the registered client's id ({@link QueuedMessage#client}), interned so that
 *     100,000 messages of one client share one string; null when none (and in snapshots
 *     written before clients were recorded)
 */
public record PendingMessage(String queueId, String sender, List<String> recipients, long size,
    Instant receivedAt, boolean eightBit, boolean smtputf8, int attempts, Instant nextAttemptAt,
    boolean delayWarned, String client) implements CborSerializable {

  public PendingMessage {
    recipients = List.copyOf(recipients);
    client = client == null ? null : client.intern();
  }

  /** A message of no registered client. */
  public PendingMessage(String queueId, String sender, List<String> recipients, long size,
      Instant receivedAt, boolean eightBit, boolean smtputf8, int attempts,
      Instant nextAttemptAt, boolean delayWarned) {
    this(queueId, sender, recipients, size, receivedAt, eightBit, smtputf8, attempts,
        nextAttemptAt, delayWarned, null);
  }

  boolean hasNullSender() {
    return sender.isEmpty();
  }

  DeliveryJob job() {
    return new DeliveryJob(queueId, sender, recipients, size, eightBit, smtputf8, attempts + 1);
  }
}

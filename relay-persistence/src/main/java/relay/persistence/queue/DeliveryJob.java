package relay.persistence.queue;

import java.util.List;
import relay.persistence.CborSerializable;

/**
 * One message handed by a queue to one of its delivery workers: the recipients still pending and
 * the number of this attempt (1 for the first).
 */
public record DeliveryJob(String queueId, String sender, List<String> recipients, long size,
    boolean eightBit, boolean smtputf8, int attempt) implements CborSerializable {

  public DeliveryJob {
    recipients = List.copyOf(recipients);
  }

  /** The transaction for a slice of this job's recipients. */
  DeliveryRequest request(List<String> slice) {
    return new DeliveryRequest(queueId, sender, slice, size, eightBit, smtputf8);
  }
}

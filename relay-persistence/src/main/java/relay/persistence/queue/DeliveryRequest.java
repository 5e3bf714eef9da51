package relay.persistence.queue;

import java.util.List;

/**
 * One mail transaction asked of a {@link DeliveryConnection}: at most {@code
 * recipients-per-transaction} recipients of one message.
 *
 * @param sender reverse-path, {@code ""} for the null sender
 */
public record DeliveryRequest(String queueId, String sender, List<String> recipients, long size,
    boolean eightBit, boolean smtputf8) {

  public DeliveryRequest {
    recipients = List.copyOf(recipients);
  }
}

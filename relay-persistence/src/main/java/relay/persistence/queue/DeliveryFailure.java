package relay.persistence.queue;

import java.util.Objects;
import relay.protocol.reply.SmtpReply;

/**
 * A whole delivery attempt (connect) or transaction failed, with the reply that stands for it. A
 * transient reply (4xx) defers the recipients concerned, a permanent one (5xx) bounces them.
 * {@link #destinationDegraded()} says the destination itself is slow or unreachable (not just
 * this message refused), so its queue should hold back to one probe connection.
 */
public final class DeliveryFailure extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient SmtpReply reply;
  private final boolean destinationDegraded;

  public DeliveryFailure(SmtpReply reply) {
    this(reply, null);
  }

  public DeliveryFailure(SmtpReply reply, Throwable cause) {
    this(reply, false, cause);
  }

  /**
   * @param destinationDegraded the destination did not answer in time or could not be reached:
   *     the queue suspends it to one probe connection (as after a failed connect)
   */
  public DeliveryFailure(SmtpReply reply, boolean destinationDegraded, Throwable cause) {
    super(Objects.requireNonNull(reply, "reply").summary(), cause);
    this.reply = reply;
    this.destinationDegraded = destinationDegraded;
  }

  public boolean destinationDegraded() {
    return destinationDegraded;
  }

  public SmtpReply reply() {
    return reply;
  }
}

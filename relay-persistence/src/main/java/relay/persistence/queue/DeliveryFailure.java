package relay.persistence.queue;

import java.util.Objects;
import relay.protocol.reply.SmtpReply;

/**
 * A whole delivery attempt (connect) or transaction failed, with the reply that stands for it. A
 * transient reply (4xx) defers the recipients concerned, a permanent one (5xx) bounces them.
 */
public final class DeliveryFailure extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient SmtpReply reply;

  public DeliveryFailure(SmtpReply reply) {
    this(reply, null);
  }

  public DeliveryFailure(SmtpReply reply, Throwable cause) {
    super(Objects.requireNonNull(reply, "reply").summary(), cause);
    this.reply = reply;
  }

  public SmtpReply reply() {
    return reply;
  }
}

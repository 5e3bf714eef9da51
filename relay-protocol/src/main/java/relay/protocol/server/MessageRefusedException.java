package relay.protocol.server;

import java.util.Objects;
import relay.protocol.reply.SmtpReply;

/**
 * A {@link MessageWriter#commit} may fail with this (directly or as the cause of a completion
 * failure) to give the client a precise reply instead of the generic 451 4.3.0, e.g. 452 4.3.1
 * when the destination queue is full. The reply must be transient or permanent: the message was
 * not accepted.
 */
public final class MessageRefusedException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient SmtpReply reply;

  public MessageRefusedException(SmtpReply reply, Throwable cause) {
    super(reply.summary(), cause);
    this.reply = Objects.requireNonNull(reply, "reply");
    if (reply.isPositive()) {
      throw new IllegalArgumentException("a refusal needs a 4xx or 5xx reply: " + reply.summary());
    }
  }

  public SmtpReply reply() {
    return reply;
  }

  /** The refusal's reply found in a failure's cause chain, or the generic local error. */
  static SmtpReply replyFor(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof MessageRefusedException refused) {
        return refused.reply();
      }
    }
    return relay.protocol.reply.Replies.LOCAL_ERROR;
  }
}

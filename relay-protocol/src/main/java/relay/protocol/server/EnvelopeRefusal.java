package relay.protocol.server;

import java.time.Instant;
import java.util.Objects;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;

/**
 * Why an {@link EnvelopePolicy} refuses a sender or a recipient; each case maps to one reply of
 * the catalogue ({@link #reply()}).
 */
public sealed interface EnvelopeRefusal {

  /** The reply that answers this refusal. */
  SmtpReply reply();

  /** The name of this refusal in the event log and the metrics. */
  RefusalReason refusalReason();

  /**
   * The operator blocked the client, the sender, its domain or the recipient's domain ({@code
   * what}, one of the {@code BLOCKED_*} reasons): 554 5.7.1 with the operator's {@code reason}
   * (made safe by the catalogue).
   */
  record Blocked(RefusalReason what, String reason) implements EnvelopeRefusal {
    public Blocked {
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(reason, "reason");
      if (!what.name().startsWith("BLOCKED_")) {
        throw new IllegalArgumentException("not a block: " + what);
      }
    }

    @Override
    public SmtpReply reply() {
      return Replies.blocked(reason);
    }

    @Override
    public RefusalReason refusalReason() {
      return what;
    }
  }

  /** The client's allowed sender domains do not include the sender's: 550 5.7.1. */
  record SenderDomainNotAllowed() implements EnvelopeRefusal {
    @Override
    public SmtpReply reply() {
      return Replies.SENDER_DOMAIN_NOT_ALLOWED;
    }

    @Override
    public RefusalReason refusalReason() {
      return RefusalReason.SENDER_DOMAIN;
    }
  }

  /**
   * The client reached its hourly or daily recipient quota (counted across the cluster): 452
   * 4.5.3 saying when it resets.
   */
  record QuotaReached(boolean daily, Instant resetsAt) implements EnvelopeRefusal {
    public QuotaReached {
      Objects.requireNonNull(resetsAt, "resetsAt");
    }

    @Override
    public SmtpReply reply() {
      return Replies.recipientQuotaReached(daily, resetsAt);
    }

    @Override
    public RefusalReason refusalReason() {
      return RefusalReason.QUOTA;
    }
  }

  /** The client's quota could not be confirmed in time: 451 4.3.0, try again shortly. */
  record QuotaUnconfirmed() implements EnvelopeRefusal {
    @Override
    public SmtpReply reply() {
      return Replies.RECIPIENT_QUOTA_UNCONFIRMED;
    }

    @Override
    public RefusalReason refusalReason() {
      return RefusalReason.QUOTA_UNCONFIRMED;
    }
  }
}

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

  /**
   * The operator blocked the sender, its domain or the recipient's domain: 554 5.7.1 with the
   * operator's reason (made safe by the catalogue).
   */
  record Blocked(String reason) implements EnvelopeRefusal {
    public Blocked {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public SmtpReply reply() {
      return Replies.blocked(reason);
    }
  }

  /** The client's allowed sender domains do not include the sender's: 550 5.7.1. */
  record SenderDomainNotAllowed() implements EnvelopeRefusal {
    @Override
    public SmtpReply reply() {
      return Replies.SENDER_DOMAIN_NOT_ALLOWED;
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
  }

  /** The client's quota could not be confirmed in time: 451 4.3.0, try again shortly. */
  record QuotaUnconfirmed() implements EnvelopeRefusal {
    @Override
    public SmtpReply reply() {
      return Replies.RECIPIENT_QUOTA_UNCONFIRMED;
    }
  }
}

package relay.protocol.server;

import java.util.Optional;
import relay.protocol.address.Mailbox;
import relay.protocol.command.MailParameters;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;

/**
 * The size and recipient limits of a transaction, each a small check of its own that answers the
 * precise reply (RFC 5321 4.5.3.1.8, RFC 1870 6). The limits themselves depend on the client
 * ({@link SmtpServerSettings#limitsFor}); per-client limits of the operator's registry plug in
 * there.
 */
final class LimitChecks {

  private LimitChecks() {}

  /**
   * RCPT: 452 4.5.3 once the transaction holds its maximum of recipients (RFC 5321 4.5.3.1.10:
   * the client sends the rest in another transaction).
   */
  static Optional<SmtpReply> recipients(Transaction tx, SessionLimits limits) {
    return tx.recipients().size() >= limits.maxRecipients()
        ? Optional.of(Replies.TOO_MANY_RECIPIENTS) : Optional.empty();
  }

  /**
   * RCPT, after {@link #recipients}: the client's hourly/daily recipient quota
   * ({@link EnvelopePolicy#countRecipient}), which counts {@code recipient} when it passes. An
   * unidentified connection (postmaster only) has no quota.
   */
  static Optional<EnvelopeRefusal> quota(Optional<ClientIdentity> client, Mailbox recipient) {
    return client.flatMap(c -> c.envelope().countRecipient(recipient));
  }

  /** MAIL: 552 5.3.4 when the SIZE= the client declares is over the limit (RFC 1870 6.1). */
  static Optional<SmtpReply> declaredSize(MailParameters params, SessionLimits limits) {
    return params.size().isPresent() && params.size().getAsLong() > limits.maxMessageSize()
        ? Optional.of(Replies.MESSAGE_TOO_BIG) : Optional.empty();
  }
}

package relay.protocol.server;

import java.util.Optional;
import relay.protocol.address.Mailbox;

/**
 * Port implemented by the node: the operator's rules for one connection's envelopes, carried by
 * its {@link ClientIdentity}. The session asks it at MAIL (the sender), at RCPT (each recipient
 * the relay policy already let through) and for the transaction's limits (EHLO SIZE, MAIL SIZE=,
 * RCPT count, DATA/BDAT octets).
 *
 * <p>Calls are synchronous and must be cheap: an implementation reads an in-memory snapshot of
 * the registry and block lists and does no I/O, so the session stays a function of its inputs and
 * of that snapshot. Reading the snapshot at each call means a block added during a session
 * applies from the next MAIL or RCPT.
 */
public interface EnvelopePolicy {

  /** No rules: every sender and recipient passes, the server's limits apply. */
  EnvelopePolicy NONE = new EnvelopePolicy() {
    @Override
    public String toString() {
      return "EnvelopePolicy.NONE";
    }
  };

  /**
   * MAIL with a non-null reverse-path ({@code sender} in A-label form): empty to accept, or why
   * not. The null reverse-path is not asked about: it names no sender to block.
   */
  default Optional<EnvelopeRefusal> sender(Mailbox sender) {
    return Optional.empty();
  }

  /** RCPT ({@code recipient} in A-label form, relay already allowed): empty to accept. */
  default Optional<EnvelopeRefusal> recipient(Mailbox recipient) {
    return Optional.empty();
  }

  /**
   * RCPT, last: counts {@code recipient}, which passed every other check, toward the client's
   * recipient quotas. Empty: accepted and counted; else why not (nothing counted). Called once per
   * recipient about to get 250, after the per-message limit, so a refused recipient never uses
   * quota. Like the other calls it must not wait: an implementation spends a quota it holds
   * locally.
   */
  default Optional<EnvelopeRefusal> countRecipient(Mailbox recipient) {
    return Optional.empty();
  }

  /**
   * The limits of this client's transactions, given the server's limits for it: a registered
   * client's own max-message-size and max-recipients where it has them.
   */
  default SessionLimits limits(SessionLimits server) {
    return server;
  }
}

package relay.protocol.message;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import relay.protocol.reply.SmtpReply;

/**
 * The per-recipient part of a DSN (RFC 3464 2.3).
 *
 * @param recipient the recipient address (Final-Recipient: rfc822; ...)
 * @param action "failed" or "delayed" (also "delivered", "relayed", "expanded", RFC 3464 2.3.3)
 * @param reply the reply that decided it: the remote server's, or the relay's own (DNS, expiry)
 * @param remoteHost the remote MTA that gave the reply (Remote-MTA); empty for the relay's own
 * @param lastAttempt when delivery was last tried (Last-Attempt-Date)
 */
public record DsnRecipient(String recipient, String action, SmtpReply reply, Optional<String> remoteHost,
    Instant lastAttempt) {

  private static final Set<String> ACTIONS = Set.of("failed", "delayed", "delivered", "relayed", "expanded");

  public DsnRecipient {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(reply, "reply");
    Objects.requireNonNull(remoteHost, "remoteHost");
    Objects.requireNonNull(lastAttempt, "lastAttempt");
    if (!ACTIONS.contains(action)) {
      throw new IllegalArgumentException("DSN action must be one of " + ACTIONS + ": " + action);
    }
    DsnText.requireOneLine("recipient", recipient);
    remoteHost.ifPresent(h -> DsnText.requireOneLine("remoteHost", h));
  }

  /** A recipient that failed for good. */
  public static DsnRecipient failed(String recipient, SmtpReply reply, Optional<String> remoteHost, Instant lastAttempt) {
    return new DsnRecipient(recipient, "failed", reply, remoteHost, lastAttempt);
  }

  /** A recipient still being retried. */
  public static DsnRecipient delayed(String recipient, SmtpReply reply, Optional<String> remoteHost,
      Instant lastAttempt) {
    return new DsnRecipient(recipient, "delayed", reply, remoteHost, lastAttempt);
  }

  /**
   * The status code for the Status field (RFC 3464 2.3.4): the reply's enhanced code, or one
   * derived from the basic code's class (2.0.0, 4.0.0, 5.0.0) when the server gave none.
   */
  public String status() {
    if (!reply.enhanced().isEmpty()) {
      return reply.enhanced();
    }
    return (reply.code() / 100) + ".0.0";
  }
}

package relay.protocol.server;

/**
 * The size and recipient limits of one session's transactions, decided by who the client is
 * ({@link SmtpServerSettings#limitsFor}): a registered client gets the server's limits, an
 * unidentified one the small postmaster allowance.
 *
 * @param maxMessageSize octets of content (RFC 1870), advertised in EHLO as SIZE
 * @param maxRecipients accepted RCPTs per transaction (RFC 5321 4.5.3.1.8)
 */
public record SessionLimits(long maxMessageSize, int maxRecipients) {}

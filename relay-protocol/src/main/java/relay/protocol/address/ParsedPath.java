package relay.protocol.address;

/**
 * What {@link MailboxParser} makes of a reverse-path or forward-path argument. Exactly one of:
 * a mailbox, the null reverse-path {@code <>} (MAIL only), the bare {@code <postmaster>}
 * (RCPT only, RFC 5321 4.5.1), or invalid with a reason for logs (never shown to the peer).
 */
public sealed interface ParsedPath {

  /** A syntactically valid mailbox; any source route has already been stripped. */
  record Ok(Mailbox mailbox) implements ParsedPath {}

  /** {@code <>}: the null reverse-path of bounces (RFC 5321 4.5.5). */
  record NullPath() implements ParsedPath {}

  /** {@code <postmaster>} without a domain (RFC 5321 4.5.1), case-insensitive. */
  record Postmaster() implements ParsedPath {}

  /** Not a valid path; {@code reason} says why, for logs and tests. */
  record Invalid(String reason) implements ParsedPath {}
}

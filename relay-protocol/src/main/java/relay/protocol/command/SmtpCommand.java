package relay.protocol.command;

import java.util.Optional;

/**
 * One SMTP command line, parsed once (RFC 5321 4.1.1). The parser never throws; a line it cannot
 * read becomes {@link Unknown} or {@link Malformed}. Paths stay raw strings here: their syntax
 * depends on the transaction (SMTPUTF8), so the session checks them with the
 * {@link relay.protocol.address.MailboxParser}.
 */
public sealed interface SmtpCommand {

  /** EHLO domain-or-address-literal (RFC 5321 4.1.1.1). */
  record Ehlo(String domain) implements SmtpCommand {}

  /** HELO domain. */
  record Helo(String domain) implements SmtpCommand {}

  /** MAIL FROM:&lt;reverse-path&gt; [parameters]; {@code path} as written, brackets included. */
  record Mail(String path, MailParameters params) implements SmtpCommand {}

  /** RCPT TO:&lt;forward-path&gt; [parameters]. */
  record Rcpt(String path, RcptParameters params) implements SmtpCommand {}

  /** DATA (RFC 5321 4.1.1.4). */
  record Data() implements SmtpCommand {}

  /** BDAT chunk-size [LAST] (RFC 3030 §2); exactly {@code size} octets follow the line. */
  record Bdat(long size, boolean last) implements SmtpCommand {}

  record Rset() implements SmtpCommand {}

  /** NOOP [string]: the argument is ignored (RFC 5321 4.1.1.9). */
  record Noop() implements SmtpCommand {}

  record Quit() implements SmtpCommand {}

  record Help(Optional<String> topic) implements SmtpCommand {}

  record Vrfy(String argument) implements SmtpCommand {}

  /**
   * A verb this server does not know; {@code verb} is upper-cased (empty for an empty line) and
   * {@code knownSmtpVerb} tells a real SMTP verb this server does not implement (EXPN, TURN, ...)
   * from noise.
   */
  record Unknown(String verb, boolean knownSmtpVerb) implements SmtpCommand {}

  /**
   * A line that cannot be read as a command. {@code verb} is present when a known verb was
   * recognized before the problem, so that sequence errors still come first.
   */
  record Malformed(Optional<Verb> verb, MalformedReason reason) implements SmtpCommand {}
}

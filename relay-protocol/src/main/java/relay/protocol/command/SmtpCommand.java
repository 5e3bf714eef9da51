package relay.protocol.command;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One SMTP command line, parsed once (RFC 5321 4.1.1). The parser never throws; a line it cannot
 * read becomes {@link Unknown} or {@link Malformed}. Paths stay raw strings here: their syntax
 * depends on the transaction (SMTPUTF8), so the session checks them with the
 * {@link relay.protocol.address.MailboxParser}.
 */
public sealed interface SmtpCommand {

  /** The verb this line was recognized as, if any: the key to the verb's policy traits. */
  default Optional<Verb> knownVerb() {
    return Optional.ofNullable(Verbs.OF_COMMAND.get(getClass()));
  }

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

  /** STARTTLS (RFC 3207 4), which takes no parameters. */
  record StartTls() implements SmtpCommand {}

  /**
   * AUTH mechanism [initial-response] (RFC 4954 4): {@code mechanism} upper-cased (a SASL
   * mechanism name, RFC 4422 3.1), {@code initialResponse} the base64 text as sent ("=" for an
   * empty one), not decoded. It may hold a password: {@link #toString()} never shows it.
   */
  record Auth(String mechanism, Optional<String> initialResponse) implements SmtpCommand {
    @Override
    public String toString() {
      return "Auth[" + mechanism + (initialResponse.isPresent() ? " ****]" : "]");
    }
  }

  /**
   * A verb this server does not know; {@code verb} is upper-cased (empty for an empty line) and
   * {@code knownSmtpVerb} tells a real SMTP verb this server does not implement (EXPN, TURN, ...)
   * from noise.
   */
  record Unknown(String verb, boolean knownSmtpVerb) implements SmtpCommand {}

  /**
   * A BDAT line whose arguments do not follow {@code BDAT chunk-size [LAST]} (RFC 3030 §2).
   * {@code size} is present when the chunk size itself could be read (extra or unknown tokens
   * after it): its octets follow and must be consumed, never read as commands. When the size
   * cannot be read, the server cannot know where the next command starts.
   */
  record BadBdat(OptionalLong size) implements SmtpCommand {}

  /**
   * A line that cannot be read as a command. {@code verb} is present when a known verb was
   * recognized before the problem, so that sequence errors still come first.
   */
  record Malformed(Optional<Verb> verb, MalformedReason reason) implements SmtpCommand {
    @Override
    public Optional<Verb> knownVerb() {
      return verb;
    }
  }

  /** The verb of each well-formed command type. */
  final class Verbs {
    private static final Map<Class<? extends SmtpCommand>, Verb> OF_COMMAND = Map.ofEntries(
        Map.entry(Ehlo.class, Verb.EHLO), Map.entry(Helo.class, Verb.HELO),
        Map.entry(Mail.class, Verb.MAIL), Map.entry(Rcpt.class, Verb.RCPT),
        Map.entry(Data.class, Verb.DATA), Map.entry(Bdat.class, Verb.BDAT),
        Map.entry(BadBdat.class, Verb.BDAT), Map.entry(Rset.class, Verb.RSET),
        Map.entry(Noop.class, Verb.NOOP), Map.entry(Quit.class, Verb.QUIT),
        Map.entry(Help.class, Verb.HELP), Map.entry(Vrfy.class, Verb.VRFY),
        Map.entry(StartTls.class, Verb.STARTTLS), Map.entry(Auth.class, Verb.AUTH));

    private Verbs() {}
  }
}

package relay.protocol.server;

import java.util.Set;
import relay.protocol.reply.SmtpReply;

/**
 * Which replies count toward max-errors: protocol errors of the peer (unknown or unimplemented
 * commands, syntax, sequence, unsupported parameters, non-ASCII without SMTPUTF8), relay
 * denials, commands before a required STARTTLS or AUTH (530), AUTH before TLS (538) and failed
 * logins (535: a password guesser meets max-errors within one session). Limits (452, 552), content refusals and local failures (451) do not count: a
 * well-behaved client meets them too.
 */
final class ErrorCounting {

  private static final Set<Integer> PROTOCOL_ERROR_CODES = Set.of(500, 501, 502, 503, 504, 530, 535, 538, 553,
      555);

  private ErrorCounting() {}

  static boolean counts(SmtpReply reply) {
    if (PROTOCOL_ERROR_CODES.contains(reply.code())) {
      return true;
    }
    return reply.code() == 554
        && (reply.enhanced().equals("5.7.1") || reply.enhanced().equals("5.5.1"));
  }
}

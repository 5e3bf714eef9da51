package relay.protocol.server;

import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;

/** The reply to a MAIL or RCPT path that does not parse. */
final class PathSyntax {

  private PathSyntax() {}

  /**
   * 553 5.6.7 for non-ASCII in a path without SMTPUTF8 (RFC 6531 3.7.4.1), else the command's own
   * syntax reply ({@code syntaxReply}).
   */
  static SmtpReply refusal(String path, boolean smtputf8, SmtpReply syntaxReply) {
    return !smtputf8 && hasNonAscii(path) ? Replies.NON_ASCII_ADDRESS : syntaxReply;
  }

  private static boolean hasNonAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return true;
      }
    }
    return false;
  }
}

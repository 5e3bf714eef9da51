package relay.protocol.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import relay.protocol.command.CommandParser;
import relay.protocol.reply.SmtpReply;
import relay.protocol.tls.TlsInfo;

/**
 * Plays a dialog against the pure {@link SmtpSession}: each call feeds one input and returns the
 * replies' summaries ("250 2.1.0 Ok"); the effects of the last step are kept for inspection.
 */
final class SessionDriver {

  /** The TLS session a test's handshake "agreed on". */
  static final TlsInfo TLS13 = new TlsInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384",
      List.of());

  private final SmtpSession session;
  private SessionState state = SessionState.initial();
  private Transition last;

  SessionDriver(SmtpServerSettings settings) {
    this(settings, ListenerSecurity.PLAIN);
  }

  SessionDriver(SmtpServerSettings settings, ListenerSecurity security) {
    this.session = new SmtpSession(settings, security);
  }

  List<String> send(SessionInput input) {
    last = session.next(state, input);
    state = last.state();
    return last.replies().stream().map(SmtpReply::summary).toList();
  }

  /** One command line, parsed as the stage would. */
  List<String> line(String commandLine) {
    return send(new SessionInput.CommandLine(
        CommandParser.parse(commandLine.getBytes(StandardCharsets.UTF_8))));
  }

  /** The single reply of one command line. */
  String reply(String commandLine) {
    List<String> replies = line(commandLine);
    if (replies.size() != 1) {
      throw new AssertionError("expected one reply to " + commandLine + ", got " + replies);
    }
    return replies.get(0);
  }

  /** The lines of the single reply of one command line (e.g. an EHLO's keywords). */
  List<String> replyLines(String commandLine) {
    reply(commandLine);
    return last.replies().get(0).lines();
  }

  List<SmtpReply> replies() {
    return last.replies();
  }

  List<SessionEffect> effects() {
    return last.effects();
  }

  SessionState state() {
    return state;
  }
}

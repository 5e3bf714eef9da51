package relay.protocol.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import relay.protocol.command.CommandParser;
import relay.protocol.reply.SmtpReply;

/**
 * Plays a dialog against the pure {@link SmtpSession}: each call feeds one input and returns the
 * replies' summaries ("250 2.1.0 Ok"); the effects of the last step are kept for inspection.
 */
final class SessionDriver {

  private final SmtpSession session;
  private SessionState state = SessionState.initial();
  private Transition last;

  SessionDriver(SmtpServerSettings settings) {
    this.session = new SmtpSession(settings);
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

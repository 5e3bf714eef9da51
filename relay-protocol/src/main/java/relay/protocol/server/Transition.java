package relay.protocol.server;

import java.util.List;
import java.util.Objects;
import relay.protocol.reply.SmtpReply;

/** The result of one {@link SmtpSession#next} step: new state, replies to send, effects to run. */
public record Transition(SessionState state, List<SmtpReply> replies, List<SessionEffect> effects) {

  public Transition {
    Objects.requireNonNull(state, "state");
    replies = List.copyOf(replies);
    effects = List.copyOf(effects);
  }

  /** Whether the session asked to close the connection. */
  public boolean closes() {
    return effects.stream().anyMatch(e -> e instanceof SessionEffect.Close);
  }
}

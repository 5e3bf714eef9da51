package relay.protocol.server;

import java.util.Optional;
import relay.protocol.command.SmtpCommand;
import relay.protocol.command.Verb;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;
import relay.protocol.server.SessionState.Phase;

/**
 * STARTTLS in the session (RFC 3207), for the listener's {@link ListenerSecurity#tls()}:
 *
 * <ul>
 *   <li>offered in EHLO only before TLS, on starttls and required-starttls listeners;
 *   <li>220 2.0.0, then the session starts over as after the greeting (RFC 3207 4.2: EHLO, MAIL
 *       and RCPT are forgotten) and the stage drops whatever plaintext the client pipelined
 *       after the command, unanswered (CVE-2011-0411);
 *   <li>501 5.5.4 with parameters, 503 5.5.1 once TLS is up (or on an implicit-TLS listener) or
 *       inside a transaction, 502 5.5.1 on a listener without it (as for any verb it does not
 *       implement);
 *   <li>on required-starttls, every verb without {@link Verb.Trait#BEFORE_TLS} before TLS gets
 *       530 5.7.0 (RFC 3207 4).
 * </ul>
 *
 * While the handshake runs nothing can be answered: a timeout or a shutdown closes without a
 * reply (a plaintext 421 would land in the client's TLS handshake).
 */
final class TlsCommands {

  private TlsCommands() {}

  /** The EHLO keyword, when STARTTLS is on offer now. */
  static Optional<String> ehloKeyword(SessionStep step) {
    return step.security().startTlsOffered() && !step.state().security().secure()
        ? Optional.of("STARTTLS") : Optional.empty();
  }

  /** The 530 for {@code verb} before TLS on a listener that requires it. */
  static Optional<SmtpReply> gate(SessionStep step, Verb verb) {
    return step.security().tlsRequired() && !step.state().security().secure()
        && !verb.has(Verb.Trait.BEFORE_TLS)
        ? Optional.of(Replies.MUST_START_TLS) : Optional.empty();
  }

  /** STARTTLS, well-formed or {@link SmtpCommand.Malformed} (with parameters). */
  static void startTls(SessionStep step, SmtpCommand command) {
    SessionState state = step.state();
    if (!step.security().startTlsOffered() && !step.security().implicitTls()) {
      step.reply(Replies.COMMAND_NOT_IMPLEMENTED);
    } else if (command instanceof SmtpCommand.Malformed) {
      step.reply(Replies.STARTTLS_SYNTAX);
    } else if (state.security().secure() || step.security().implicitTls()) {
      step.reply(Replies.TLS_ALREADY_ACTIVE);
    } else if (state.transaction().isPresent()) {
      step.reply(Replies.TRANSACTION_IN_PROGRESS);
    } else {
      step.reply(Replies.READY_TO_START_TLS);
      step.state(state.withoutGreeting().withPhase(Phase.STARTING_TLS));
      step.effect(new SessionEffect.StartTls());
    }
  }

  /**
   * The TLS session is up: after STARTTLS the session waits for a new EHLO; on an implicit-TLS
   * listener this only records the session's protocol and cipher.
   */
  static void established(SessionStep step, SessionInput.TlsEstablished tls) {
    SessionState state = step.state().withSecurity(step.state().security().withTls(tls.tls()));
    step.state(state.phase() == Phase.STARTING_TLS ? state.withPhase(Phase.COMMAND) : state);
  }

  /** Inputs during the handshake: anything that ends the session ends it without a reply. */
  static void starting(SessionStep step, SessionInput input) {
    if (input instanceof SessionInput.IdleTimeout || input instanceof SessionInput.TimeUp
        || input instanceof SessionInput.ShuttingDown) {
      step.closeWithoutReply();
    }
    // nothing else can arrive: the stage reads no plaintext any more
  }
}

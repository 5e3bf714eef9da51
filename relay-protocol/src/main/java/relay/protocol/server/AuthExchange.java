package relay.protocol.server;

import java.util.List;
import java.util.Optional;
import relay.protocol.command.SmtpCommand;
import relay.protocol.command.Verb;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;
import relay.protocol.server.SessionSecurity.Mechanism;
import relay.protocol.server.SessionSecurity.SaslExchange;
import relay.protocol.server.SessionState.Phase;

/**
 * AUTH in the session (RFC 4954) with the SASL mechanisms PLAIN (RFC 4616) and LOGIN, on a
 * listener whose {@link ListenerSecurity#auth()} offers it:
 *
 * <ul>
 *   <li>offered in EHLO ({@code AUTH PLAIN LOGIN}) only over TLS; before it AUTH gets
 *       538 5.7.11 (both mechanisms send the password in the clear);
 *   <li>checks in order: 503 5.5.1 before EHLO, after a successful AUTH or inside a transaction;
 *       501 5.5.4 for bad syntax; 504 5.5.4 for another mechanism;
 *   <li>PLAIN takes an initial response or answers "334 " for it; LOGIN asks "Username:" and
 *       "Password:" (334, base64) unless the initial response gave the user name;
 *   <li>"*" cancels (501 5.0.0); a response that is not base64, or a PLAIN message without its
 *       two NULs, gets 501 5.5.2; a line over 12288 octets 500 5.5.6;
 *   <li>the credentials leave the session as {@link SessionEffect.Authenticate} (the password is
 *       never kept in the state); the policy's verdict comes back as
 *       {@link SessionInput.AuthFinished}: 235 2.7.0 and the session becomes the credentials'
 *       client, 535 5.7.8, the refusal's reply as at connect, or 421 4.7.0 locked out and close;
 *       a policy that cannot decide gives 454 4.7.0 (RFC 4954 6).
 * </ul>
 *
 * On a listener with {@code auth = required}, every verb without {@link Verb.Trait#BEFORE_AUTH}
 * gets 530 5.7.0 until AUTH succeeded (RFC 6409 4.3), whatever the client's address. Failed
 * attempts (501, 535, 538) count toward max-errors.
 */
final class AuthExchange {

  /** Longest AUTH command or response line in octets, CRLF included (RFC 4954 4). */
  static final int MAX_LINE = 12_288;

  /** LOGIN's prompts, base64 of "Username:" and "Password:". */
  private static final SmtpReply USERNAME = Replies.saslChallenge("VXNlcm5hbWU6");
  private static final SmtpReply PASSWORD = Replies.saslChallenge("UGFzc3dvcmQ6");
  private static final SmtpReply EMPTY_CHALLENGE = Replies.saslChallenge("");

  private AuthExchange() {}

  /** The EHLO keyword, when AUTH is on offer now. */
  static Optional<String> ehloKeyword(SessionStep step) {
    return step.security().authOffered() && step.state().security().secure()
        ? Optional.of("AUTH PLAIN LOGIN") : Optional.empty();
  }

  /**
   * The SIZE of the EHLO reply (RFC 1870 4): the client's limit, except that a client not yet
   * identified is told a registered client's limit where it may log in (clients rarely say
   * EHLO again after AUTH, and some check SIZE before they send). The limit that applies is
   * still checked at MAIL and at the end of the data.
   */
  static long advertisedSize(SessionStep step) {
    long own = step.limits().maxMessageSize();
    boolean mayLogIn = ehloKeyword(step).isPresent() && !step.state().security().authenticated();
    return mayLogIn ? Math.max(own, step.settings().maxMessageSize()) : own;
  }

  /** The 530 for {@code verb} before AUTH on a listener that requires it. */
  static Optional<SmtpReply> gate(SessionStep step, Verb verb) {
    return step.security().authRequired() && !step.state().security().authenticated()
        && !verb.has(Verb.Trait.BEFORE_AUTH)
        ? Optional.of(Replies.AUTH_REQUIRED) : Optional.empty();
  }

  /** AUTH, well-formed or {@link SmtpCommand.Malformed}. */
  static void auth(SessionStep step, SmtpCommand command) {
    SessionState state = step.state();
    if (!step.security().authOffered()) {
      step.reply(Replies.COMMAND_NOT_IMPLEMENTED);
    } else if (!state.security().secure()) {
      step.reply(Replies.ENCRYPTION_REQUIRED);
    } else if (state.greeting().isEmpty()) {
      step.reply(Replies.NEED_HELO);
    } else if (state.security().authenticated()) {
      step.reply(Replies.ALREADY_AUTHENTICATED);
    } else if (state.transaction().isPresent()) {
      step.reply(Replies.TRANSACTION_IN_PROGRESS);
    } else if (!(command instanceof SmtpCommand.Auth auth)) {
      step.reply(Replies.AUTH_SYNTAX);
    } else if (auth.mechanism().equals("PLAIN")) {
      if (auth.initialResponse().isPresent()) {
        plainMessage(step, auth.initialResponse().get());
      } else {
        await(step, new SaslExchange(Mechanism.PLAIN, Optional.empty()), EMPTY_CHALLENGE);
      }
    } else if (auth.mechanism().equals("LOGIN")) {
      if (auth.initialResponse().isPresent()) {
        loginUsername(step, auth.initialResponse().get());
      } else {
        await(step, new SaslExchange(Mechanism.LOGIN, Optional.empty()), USERNAME);
      }
    } else {
      step.reply(Replies.AUTH_MECHANISM_UNKNOWN);
    }
  }

  /**
   * Phase AUTH: the client's response line, or a line too long to be one; false for any other
   * input.
   */
  static boolean response(SessionStep step, SessionInput input) {
    if (!(input instanceof SessionInput.SaslResponse)
        && !(input instanceof SessionInput.LineTooLong)) {
      return false;
    }
    SaslExchange exchange = step.state().security().exchange().orElseThrow();
    step.state(withExchange(step.state(), Optional.empty()).withPhase(Phase.COMMAND));
    if (input instanceof SessionInput.LineTooLong) {
      step.reply(Replies.AUTH_LINE_TOO_LONG);
      return true;
    }
    String line = ((SessionInput.SaslResponse) input).line();
    if (line.equals("*")) {
      step.reply(Replies.AUTH_CANCELLED);
    } else if (line.equals("=")) {
      step.reply(Replies.AUTH_MALFORMED); // "=" is an initial response only
    } else if (exchange.mechanism() == Mechanism.PLAIN) {
      plainMessage(step, line);
    } else if (exchange.username().isEmpty()) {
      loginUsername(step, line);
    } else {
      Optional<String> password = SaslDecoding.base64(line).flatMap(SaslDecoding::loginField);
      if (password.isEmpty()) {
        step.reply(Replies.AUTH_MALFORMED);
      } else {
        authenticate(step, new SessionEffect.Authenticate("", exchange.username().get(),
            password.get()));
      }
    }
    return true;
  }

  /** Phase AUTHENTICATING: the policy's verdict; false for any other input. */
  static boolean verdict(SessionStep step, SessionInput input) {
    if (input instanceof SessionInput.AuthUnavailable) {
      step.state(step.state().withPhase(Phase.COMMAND));
      step.reply(Replies.AUTH_TEMPORARY_FAILURE);
      return true;
    }
    if (!(input instanceof SessionInput.AuthFinished finished)) {
      return false;
    }
    step.state(step.state().withPhase(Phase.COMMAND));
    AuthOutcome outcome = finished.outcome();
    if (outcome instanceof AuthOutcome.Authenticated ok) {
      SessionState state = step.state();
      step.state(state.withClient(ok.admission().client())
          .withSecurity(state.security().withAuthenticated()));
      step.reply(Replies.AUTH_SUCCESSFUL);
    } else if (outcome instanceof AuthOutcome.Refused refused) {
      Admission.Refused refusal = refused.refusal();
      SmtpReply reply = ConnectRefusals.reply(step.settings().hostname(), refusal.refusal(),
          refusal.reason());
      step.effect(new SessionEffect.ReportRefusal(new SessionRefusal(SessionRefusal.Stage.AUTH,
          refusal.refusal().reason(), refusal.client(), Optional.empty(), List.of(),
          Optional.empty(), reply)));
      step.reply(reply);
    } else if (outcome instanceof AuthOutcome.LockedOut locked) {
      SmtpReply reply = Replies.lockedOut(step.settings().hostname(), locked.until());
      step.report(SessionRefusal.Stage.AUTH, RefusalReason.LOCKED_OUT, Optional.empty(), reply);
      step.closeWith(reply);
    } else {
      step.reply(Replies.AUTH_INVALID);
    }
    return true;
  }

  private static void plainMessage(SessionStep step, String base64) {
    Optional<SessionEffect.Authenticate> credentials =
        SaslDecoding.base64(base64).flatMap(SaslDecoding::plain);
    if (credentials.isEmpty()) {
      step.reply(Replies.AUTH_MALFORMED);
    } else {
      authenticate(step, credentials.get());
    }
  }

  private static void loginUsername(SessionStep step, String base64) {
    Optional<String> username = SaslDecoding.base64(base64).flatMap(SaslDecoding::loginField);
    if (username.isEmpty()) {
      step.reply(Replies.AUTH_MALFORMED);
    } else {
      await(step, new SaslExchange(Mechanism.LOGIN, username), PASSWORD);
    }
  }

  private static void await(SessionStep step, SaslExchange exchange, SmtpReply challenge) {
    step.state(withExchange(step.state(), Optional.of(exchange)).withPhase(Phase.AUTH));
    step.reply(challenge);
  }

  private static void authenticate(SessionStep step, SessionEffect.Authenticate credentials) {
    step.state(step.state().withPhase(Phase.AUTHENTICATING));
    step.effect(credentials);
  }

  private static SessionState withExchange(SessionState state, Optional<SaslExchange> exchange) {
    return state.withSecurity(state.security().withExchange(exchange));
  }
}

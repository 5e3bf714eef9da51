package relay.protocol.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import relay.protocol.address.Mailbox;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;
import relay.protocol.server.SessionState.Phase;

/**
 * One transition of {@link SmtpSession} being collected: the state so far, the replies and the
 * effects. It is the session's one choke point for output: every reply goes through
 * {@link #reply}, which counts errors and junk, and closes after one too many.
 */
final class SessionStep {

  private final SmtpServerSettings settings;
  private final ListenerSecurity security;
  private SessionState state;
  private final List<SmtpReply> replies = new ArrayList<>(2);
  private final List<SessionEffect> effects = new ArrayList<>(2);

  SessionStep(SmtpServerSettings settings, ListenerSecurity security, SessionState state) {
    this.settings = settings;
    this.security = security;
    this.state = state;
  }

  SmtpServerSettings settings() {
    return settings;
  }

  /** What the listener asks of the connection (TLS, AUTH). */
  ListenerSecurity security() {
    return security;
  }

  SessionState state() {
    return state;
  }

  void state(SessionState next) {
    state = next;
  }

  Transaction tx() {
    return state.transaction().orElseThrow();
  }

  void transaction(Transaction tx) {
    state = state.withTransaction(Optional.of(tx));
  }

  /** The server's limits for this client, narrowed or widened by the operator's per-client ones. */
  SessionLimits limits() {
    ClientIdentity client = state.client().orElseThrow();
    return client.envelope().limits(settings.limitsFor(client));
  }

  void effect(SessionEffect effect) {
    effects.add(effect);
  }

  /** Sends a reply, counts it as an error if it is one, and closes after one too many. */
  void reply(SmtpReply reply) {
    if (state.phase() == Phase.CLOSED) {
      return;
    }
    if (reply.closesConnection()) {
      closeWith(reply);
      return;
    }
    replies.add(reply);
    if (ErrorCounting.counts(reply)) {
      countError();
    }
  }

  /**
   * One more command that moves no mail; beyond the allowance each counts as an error, so a
   * flood of them ends like any other abuse.
   */
  void junk() {
    state = state.withJunkCommands(state.junkCommands() + 1);
    if (state.junkCommands() > settings.maxJunkCommands()) {
      countError();
    }
  }

  private void countError() {
    state = state.withErrors(state.errors() + 1);
    if (state.errors() > settings.maxErrors()) {
      closeWith(Replies.tooManyErrors(settings.hostname()));
    }
  }

  /**
   * Reports a policy or limit refusal to the policy's record ({@link SessionRefusal}), with the
   * envelope as far as it got; {@code address} is what the refused command named.
   */
  void report(SessionRefusal.Stage stage, RefusalReason reason, Optional<String> address,
      SmtpReply reply) {
    Optional<Transaction> tx = state.transaction();
    Optional<String> sender = tx.map(t -> t.sender().map(Mailbox::address).orElse(""));
    List<String> recipients = tx.map(t -> t.recipients().stream().map(Mailbox::address).toList())
        .orElse(List.of());
    if (stage == SessionRefusal.Stage.MAIL) {
      sender = address;
      address = Optional.empty();
    }
    effects.add(new SessionEffect.ReportRefusal(new SessionRefusal(stage, reason,
        state.client().orElseThrow(), sender, recipients, address, reply)));
  }

  /** Ends the transaction, discarding its open spool entry if there is one. */
  void endTransaction() {
    if (state.hasOpenMessage()) {
      effects.add(new SessionEffect.AbortMessage());
    }
    state = state.withTransaction(Optional.empty()).withChunk(Optional.empty());
  }

  /** Sends a final reply (221 or 421) and closes. */
  void closeWith(SmtpReply reply) {
    if (state.phase() == Phase.CLOSED) {
      return;
    }
    if (state.phase() != Phase.COMMITTING) {
      endTransaction();
    }
    replies.add(reply);
    effects.add(new SessionEffect.Close());
    state = state.withPhase(Phase.CLOSED);
  }

  /**
   * Closes with no reply at all, keeping the committed message (no abort): for a commit whose
   * outcome is unknown, where any reply could be false.
   */
  void closeWithoutReply() {
    state = state.withTransaction(Optional.empty()).withPhase(Phase.CLOSED);
    effects.add(new SessionEffect.Close());
  }

  /**
   * The transition; a session whose time is up closes as soon as it is back between commands
   * with no message in progress.
   */
  Transition done() {
    if (state.timeUp() && state.phase() == Phase.COMMAND) {
      closeWith(Replies.sessionTimeUp(settings.hostname()));
    }
    return new Transition(state, replies, effects);
  }
}

package relay.protocol.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import relay.protocol.address.Mailbox;
import relay.protocol.address.MailboxParser;
import relay.protocol.address.ParsedPath;
import relay.protocol.command.MailParameters;
import relay.protocol.command.MalformedReason;
import relay.protocol.command.SmtpCommand;
import relay.protocol.command.Verb;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;
import relay.protocol.server.SessionState.Phase;

/**
 * The SMTP server session as a pure function: {@code next(state, input)} gives the new state, the
 * replies and the effects; it performs no I/O and reads no clock (RFC 5321, with RFC 1870 SIZE,
 * RFC 2920 PIPELINING, RFC 3030 CHUNKING, RFC 6152 8BITMIME, RFC 2034 ENHANCEDSTATUSCODES and
 * RFC 6531 SMTPUTF8).
 *
 * <p>Every command goes through the same checks in a fixed order: sequence (503), syntax (501),
 * parameters (555/504), relay policy (554 5.7.1), limits (452, 552), then acceptance. All replies
 * pass one choke point that counts errors; one more than max-errors adds 421 4.7.0 and closes.
 */
public final class SmtpSession {

  private final SmtpServerSettings settings;
  private final List<String> ehloKeywords;

  public SmtpSession(SmtpServerSettings settings) {
    this.settings = settings;
    List<String> keywords = new ArrayList<>(List.of("PIPELINING",
        "SIZE " + settings.maxMessageSize(), "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8",
        "CHUNKING", "HELP"));
    keywords.addAll(settings.extraEhloKeywords());
    this.ehloKeywords = List.copyOf(keywords);
  }

  public Transition next(SessionState state, SessionInput input) {
    Step step = new Step(state);
    switch (state.phase()) {
      case CONNECTING:
        connecting(step, input);
        break;
      case COMMAND:
        commandPhase(step, input);
        break;
      case OPENING:
        opening(step, input);
        break;
      case DATA:
      case BDAT:
        content(step, input);
        break;
      case COMMITTING:
        committing(step, input);
        break;
      case CLOSED:
      default:
        break;
    }
    return step.done();
  }

  // ---- phases --------------------------------------------------------------------------------

  private void connecting(Step step, SessionInput input) {
    if (input instanceof SessionInput.Connected connected) {
      step.state = step.state.withClient(connected.client()).withPhase(Phase.COMMAND);
      step.reply(Replies.greeting(settings.hostname()));
    } else if (input instanceof SessionInput.TooManySessions) {
      step.closeWith(Replies.tooManySessions(settings.hostname()));
    } else if (input instanceof SessionInput.IdentificationFailed) {
      step.closeWith(Replies.serviceUnavailable(settings.hostname()));
    } else {
      connectionEvents(step, input);
    }
  }

  private void commandPhase(Step step, SessionInput input) {
    if (input instanceof SessionInput.CommandLine line) {
      command(step, line.command());
    } else if (input instanceof SessionInput.LineTooLong) {
      step.reply(Replies.LINE_TOO_LONG);
    } else {
      connectionEvents(step, input);
    }
  }

  private void opening(Step step, SessionInput input) {
    Optional<SessionState.PendingChunk> chunk = step.state.chunk();
    if (input instanceof SessionInput.MessageOpened opened) {
      Transaction tx = step.tx().opened(opened.queueId(), opened.receivedAt());
      step.state = step.state.withTransaction(Optional.of(tx));
      ReceivedTrace trace = trace(step.state);
      if (chunk.isPresent()) {
        step.state = step.state.withPhase(Phase.BDAT);
        step.effect(new SessionEffect.ExpectBdat(chunk.get().size(), chunk.get().last(),
            Optional.of(trace), false, settings.maxMessageSize()));
      } else {
        step.state = step.state.withPhase(Phase.DATA);
        step.effect(new SessionEffect.ExpectData(settings.maxMessageSize(), trace));
        step.reply(Replies.START_DATA);
      }
    } else if (input instanceof SessionInput.MessageFailed failed) {
      step.state = step.state.withTransaction(Optional.empty());
      if (chunk.isPresent()) {
        // the chunk's octets are on their way: consume them, then answer
        SessionState.PendingChunk c = chunk.get();
        step.state = step.state.withPhase(Phase.BDAT).withChunk(Optional.of(
            new SessionState.PendingChunk(c.size(), c.last(), Optional.of(failed.reply()))));
        step.effect(new SessionEffect.ExpectBdat(c.size(), c.last(), Optional.empty(), true,
            settings.maxMessageSize()));
      } else {
        step.state = step.state.withPhase(Phase.COMMAND);
        step.reply(failed.reply());
      }
    } else {
      connectionEvents(step, input);
    }
  }

  private void content(Step step, SessionInput input) {
    if (!(input instanceof SessionInput.DataFinished finished)) {
      connectionEvents(step, input);
      return;
    }
    DataOutcome outcome = finished.outcome();
    if (step.state.phase() == Phase.DATA) {
      step.state = step.state.withPhase(Phase.COMMAND);
      Optional<SmtpReply> refusal = outcome.refusal();
      if (refusal.isPresent()) {
        step.endTransaction();
        step.reply(refusal.get());
      } else {
        step.state = step.state.withPhase(Phase.COMMITTING);
        step.effect(new SessionEffect.CommitMessage(envelope(step.state, outcome)));
      }
      return;
    }
    SessionState.PendingChunk chunk = step.state.chunk().orElseThrow();
    step.state = step.state.withChunk(Optional.empty()).withPhase(Phase.COMMAND);
    Optional<SmtpReply> refusal = chunk.refusal().or(outcome::refusal);
    if (refusal.isPresent()) {
      step.endTransaction();
      step.reply(refusal.get());
    } else if (!chunk.last()) {
      step.state = step.state.withTransaction(Optional.of(step.tx().withChunkAccepted()));
      step.reply(Replies.chunkReceived(chunk.size()));
    } else {
      step.state = step.state.withPhase(Phase.COMMITTING);
      step.effect(new SessionEffect.CommitMessage(envelope(step.state, outcome)));
    }
  }

  private void committing(Step step, SessionInput input) {
    if (input instanceof SessionInput.MessageQueued queued) {
      // committed: the writer is done, nothing to abort
      step.state = step.state.withTransaction(Optional.empty()).withPhase(Phase.COMMAND);
      step.reply(Replies.queued(queued.queueId()));
    } else if (input instanceof SessionInput.MessageFailed failed) {
      step.effect(new SessionEffect.AbortMessage());
      step.state = step.state.withTransaction(Optional.empty()).withPhase(Phase.COMMAND);
      step.reply(failed.reply());
    } else if (input instanceof SessionInput.ShuttingDown) {
      step.state = step.state.withShutdownRequested();
      return;
    } else {
      return; // no timeout while the client waits for us
    }
    if (step.state.shutdownRequested()) {
      step.closeWith(Replies.shuttingDown(settings.hostname()));
    }
  }

  /** Inputs that end the session whatever it is doing (except while committing). */
  private void connectionEvents(Step step, SessionInput input) {
    if (input instanceof SessionInput.ShuttingDown) {
      step.closeWith(Replies.shuttingDown(settings.hostname()));
    } else if (input instanceof SessionInput.IdleTimeout) {
      step.closeWith(Replies.idleTimeout(settings.hostname()));
    }
    // anything else cannot happen in this phase and is ignored
  }

  // ---- commands ------------------------------------------------------------------------------

  private void command(Step step, SmtpCommand command) {
    if (command instanceof SmtpCommand.Ehlo ehlo) {
      greet(step, ehlo.domain(), true);
    } else if (command instanceof SmtpCommand.Helo helo) {
      greet(step, helo.domain(), false);
    } else if (command instanceof SmtpCommand.Mail mail) {
      mail(step, mail);
    } else if (command instanceof SmtpCommand.Rcpt rcpt) {
      rcpt(step, rcpt);
    } else if (command instanceof SmtpCommand.Data) {
      data(step);
    } else if (command instanceof SmtpCommand.Bdat bdat) {
      bdat(step, bdat);
    } else if (command instanceof SmtpCommand.Rset) {
      step.endTransaction();
      step.reply(Replies.OK);
    } else if (command instanceof SmtpCommand.Noop) {
      step.reply(Replies.OK);
    } else if (command instanceof SmtpCommand.Quit) {
      step.closeWith(Replies.BYE);
    } else if (command instanceof SmtpCommand.Help) {
      step.reply(Replies.HELP);
    } else if (command instanceof SmtpCommand.Vrfy) {
      step.reply(Replies.CANNOT_VRFY);
    } else if (command instanceof SmtpCommand.Unknown unknown) {
      step.reply(unknown.knownSmtpVerb() ? Replies.COMMAND_NOT_IMPLEMENTED
          : Replies.COMMAND_UNRECOGNIZED);
    } else if (command instanceof SmtpCommand.Malformed malformed) {
      malformed(step, malformed);
    }
  }

  /**
   * EHLO/HELO: a new greeting resets any transaction (RFC 5321 4.1.4). The name is not checked
   * (RFC 5321 4.1.4 forbids refusing a mismatched name, and many clients send odd ones); it is
   * reduced to safe characters where it is echoed into the Received: header.
   */
  private void greet(Step step, String name, boolean extended) {
    step.endTransaction();
    step.state = step.state.withGreeting(new SessionState.Greeting(name, extended));
    step.reply(extended ? Replies.ehlo(settings.hostname(), ehloKeywords)
        : Replies.helo(settings.hostname()));
  }

  private void mail(Step step, SmtpCommand.Mail mail) {
    Optional<SmtpReply> sequence = SequenceCheck.check(step.state, Verb.MAIL);
    if (sequence.isPresent()) {
      step.reply(sequence.get());
      return;
    }
    MailParameters params = mail.params();
    ParsedPath path = MailboxParser.parseReversePath(mail.path(), params.smtputf8());
    if (path instanceof ParsedPath.Invalid || path instanceof ParsedPath.Postmaster) {
      step.reply(!params.smtputf8() && hasNonAscii(mail.path()) ? Replies.NON_ASCII_ADDRESS
          : Replies.BAD_SENDER_SYNTAX);
      return;
    }
    boolean extended = step.state.greeting().map(SessionState.Greeting::extended).orElse(false);
    Optional<SmtpReply> parameterProblem = ParameterCheck.mail(params, extended);
    if (parameterProblem.isPresent()) {
      step.reply(parameterProblem.get());
      return;
    }
    if (params.size().isPresent() && params.size().getAsLong() > settings.maxMessageSize()) {
      step.reply(Replies.MESSAGE_TOO_BIG);
      return;
    }
    Optional<Mailbox> sender = path instanceof ParsedPath.Ok ok ? Optional.of(ok.mailbox())
        : Optional.empty();
    step.state = step.state.withTransaction(Optional.of(Transaction.begin(sender, params)));
    step.reply(Replies.SENDER_OK);
  }

  private void rcpt(Step step, SmtpCommand.Rcpt rcpt) {
    Optional<SmtpReply> sequence = SequenceCheck.check(step.state, Verb.RCPT);
    if (sequence.isPresent()) {
      step.reply(sequence.get());
      return;
    }
    Transaction tx = step.tx().triedRecipient();
    step.state = step.state.withTransaction(Optional.of(tx));
    ParsedPath path = MailboxParser.parseForwardPath(rcpt.path(), tx.smtputf8());
    if (path instanceof ParsedPath.Invalid || path instanceof ParsedPath.NullPath) {
      step.reply(!tx.smtputf8() && hasNonAscii(rcpt.path()) ? Replies.NON_ASCII_ADDRESS
          : Replies.BAD_RECIPIENT_SYNTAX);
      return;
    }
    Optional<SmtpReply> parameterProblem = ParameterCheck.rcpt(rcpt.params());
    if (parameterProblem.isPresent()) {
      step.reply(parameterProblem.get());
      return;
    }
    Mailbox recipient;
    if (path instanceof ParsedPath.Ok ok) {
      if (!RelayCheck.mayRelay(step.state.client())) {
        step.reply(Replies.RELAY_DENIED);
        return;
      }
      recipient = ok.mailbox();
    } else {
      recipient = new Mailbox("postmaster", settings.hostname()); // RFC 5321 4.5.1
    }
    if (tx.recipients().size() >= settings.maxRecipients()) {
      step.reply(Replies.TOO_MANY_RECIPIENTS);
      return;
    }
    step.state = step.state.withTransaction(Optional.of(tx.withRecipient(recipient)));
    step.reply(Replies.RECIPIENT_OK);
  }

  private void data(Step step) {
    Optional<SmtpReply> sequence = SequenceCheck.check(step.state, Verb.DATA);
    if (sequence.isPresent()) {
      step.reply(sequence.get());
      return;
    }
    step.state = step.state
        .withTransaction(Optional.of(step.tx().withContent(Transaction.Content.DATA)))
        .withPhase(Phase.OPENING);
    step.effect(new SessionEffect.OpenMessage());
  }

  /**
   * BDAT (RFC 3030): the chunk's octets follow the command line whatever the answer, so even a
   * refused BDAT makes the decoder consume them; the reply comes after the octets.
   */
  private void bdat(Step step, SmtpCommand.Bdat bdat) {
    Optional<SmtpReply> sequence = SequenceCheck.check(step.state, Verb.BDAT);
    SessionState.PendingChunk chunk =
        new SessionState.PendingChunk(bdat.size(), bdat.last(), sequence);
    step.state = step.state.withChunk(Optional.of(chunk));
    if (sequence.isPresent()) {
      step.state = step.state.withPhase(Phase.BDAT);
      step.effect(new SessionEffect.ExpectBdat(bdat.size(), bdat.last(), Optional.empty(), true,
          settings.maxMessageSize()));
    } else if (step.tx().hasOpenMessage()) {
      step.state = step.state.withPhase(Phase.BDAT);
      step.effect(new SessionEffect.ExpectBdat(bdat.size(), bdat.last(), Optional.empty(), false,
          settings.maxMessageSize()));
    } else {
      step.state = step.state
          .withTransaction(Optional.of(step.tx().withContent(Transaction.Content.BDAT)))
          .withPhase(Phase.OPENING);
      step.effect(new SessionEffect.OpenMessage());
    }
  }

  private void malformed(Step step, SmtpCommand.Malformed malformed) {
    MalformedReason reason = malformed.reason();
    if (reason == MalformedReason.NUL_BYTE) {
      step.reply(Replies.NUL_IN_COMMAND);
    } else if (reason == MalformedReason.BARE_CR) {
      step.reply(Replies.BARE_CR_IN_COMMAND);
    } else if (reason == MalformedReason.INVALID_UTF8) {
      step.reply(Replies.INVALID_UTF8);
    } else if (malformed.verb().isEmpty()) {
      step.reply(Replies.COMMAND_UNRECOGNIZED);
    } else {
      Verb verb = malformed.verb().get();
      // a malformed BDAT has no usable size: answer at once, there is nothing to consume
      Optional<SmtpReply> sequence =
          verb == Verb.BDAT ? Optional.empty() : SequenceCheck.check(step.state, verb);
      if (sequence.isPresent()) {
        step.reply(sequence.get());
      } else if (verb == Verb.EHLO || verb == Verb.HELO) {
        step.reply(Replies.HELO_SYNTAX);
      } else {
        step.reply(Replies.SYNTAX_ERROR_IN_PARAMETERS);
      }
    }
  }

  // ---- envelope and trace --------------------------------------------------------------------

  private String protocol(SessionState state) {
    boolean extended = state.greeting().map(SessionState.Greeting::extended).orElse(false);
    if (!extended) {
      return "SMTP";
    }
    return state.transaction().map(Transaction::smtputf8).orElse(false) ? "UTF8SMTP" : "ESMTP";
  }

  private ReceivedTrace trace(SessionState state) {
    Transaction tx = state.transaction().orElseThrow();
    Optional<Mailbox> single = tx.recipients().size() == 1
        ? Optional.of(tx.recipients().get(0)) : Optional.empty();
    return new ReceivedTrace(state.greeting().orElseThrow().name(),
        state.client().orElseThrow().remoteIp(), protocol(state), tx.queueId().orElseThrow(),
        single, tx.receivedAt().orElseThrow());
  }

  private Envelope envelope(SessionState state, DataOutcome outcome) {
    Transaction tx = state.transaction().orElseThrow();
    return new Envelope(tx.queueId().orElseThrow(), tx.sender(), tx.recipients(),
        state.greeting().orElseThrow().name(), state.client().orElseThrow(), protocol(state),
        tx.receivedAt().orElseThrow(), outcome.stats().size(), tx.eightBitMime(), tx.smtputf8());
  }

  private static boolean hasNonAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return true;
      }
    }
    return false;
  }

  // ---- the one choke point for output --------------------------------------------------------

  /** Collects one transition; every reply goes through {@link #reply}. */
  private final class Step {
    private SessionState state;
    private final List<SmtpReply> replies = new ArrayList<>(2);
    private final List<SessionEffect> effects = new ArrayList<>(2);

    Step(SessionState state) {
      this.state = state;
    }

    Transaction tx() {
      return state.transaction().orElseThrow();
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
        state = state.withErrors(state.errors() + 1);
        if (state.errors() > settings.maxErrors()) {
          closeWith(Replies.tooManyErrors(settings.hostname()));
        }
      }
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

    Transition done() {
      return new Transition(state, replies, effects);
    }
  }
}

package relay.protocol.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import relay.protocol.address.Mailbox;
import relay.protocol.command.MalformedReason;
import relay.protocol.command.SmtpCommand;
import relay.protocol.command.Verb;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;
import relay.protocol.server.SessionState.Phase;

/**
 * The SMTP server session as a pure function: {@code next(state, input)} gives the new state, the
 * replies and the effects; it performs no I/O and reads no clock (RFC 5321, with RFC 1870 SIZE,
 * RFC 2920 PIPELINING, RFC 3030 CHUNKING, RFC 6152 8BITMIME, RFC 2034 ENHANCEDSTATUSCODES,
 * RFC 6531 SMTPUTF8, and per listener RFC 3207 STARTTLS ({@link TlsCommands}) and RFC 4954 AUTH
 * ({@link AuthExchange})).
 *
 * <p>Every command goes through the same checks in a fixed order: the listener's gates (530 before
 * a required STARTTLS or AUTH), sequence (503), syntax (501),
 * parameters (555/504), relay policy (554 5.7.1), limits (452, 552), then acceptance. All replies
 * pass one choke point ({@link SessionStep}) that counts errors and junk commands; one more than
 * max-errors adds 421 4.7.0 and closes.
 */
public final class SmtpSession {

  private static final List<String> EXTENSIONS_BEFORE_SIZE = List.of("PIPELINING");
  private static final List<String> EXTENSIONS_AFTER_SIZE =
      List.of("8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8", "CHUNKING", "HELP");

  private final SmtpServerSettings settings;
  private final ListenerSecurity security;

  /** A session of a plain listener (no TLS, no AUTH). */
  public SmtpSession(SmtpServerSettings settings) {
    this(settings, ListenerSecurity.PLAIN);
  }

  public SmtpSession(SmtpServerSettings settings, ListenerSecurity security) {
    this.settings = settings;
    this.security = security;
  }

  public Transition next(SessionState state, SessionInput input) {
    SessionStep step = new SessionStep(settings, security, state);
    if (input instanceof SessionInput.TlsEstablished tls) {
      TlsCommands.established(step, tls);
      return step.done();
    }
    switch (state.phase()) {
      case CONNECTING:
        connecting(step, input);
        break;
      case COMMAND:
        commandPhase(step, input);
        break;
      case REFUSED:
        refused(step, input);
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
      case STARTING_TLS:
        TlsCommands.starting(step, input);
        break;
      case AUTH:
        if (!AuthExchange.response(step, input)) {
          connectionEvents(step, input);
        }
        break;
      case AUTHENTICATING:
        if (!AuthExchange.verdict(step, input)) {
          lateEvents(step, input);
        }
        break;
      case CLOSED:
      default:
        break;
    }
    return step.done();
  }

  // ---- phases --------------------------------------------------------------------------------

  private void connecting(SessionStep step, SessionInput input) {
    if (input instanceof SessionInput.Connected connected) {
      step.state(step.state().withClient(connected.client()).withPhase(Phase.COMMAND));
      step.reply(Replies.greeting(settings.hostname()));
    } else if (input instanceof SessionInput.Refused refused) {
      step.state(step.state().withClient(refused.client()));
      SmtpReply reply = ConnectRefusals.reply(settings.hostname(), refused.refusal(),
          refused.reason());
      if (refused.waitForQuit() && refused.refusal().permanent()) {
        step.state(step.state().withPhase(Phase.REFUSED));
        step.reply(reply);
      } else {
        step.closeWith(reply);
      }
      step.report(SessionRefusal.Stage.CONNECT, refused.refusal().reason(), Optional.empty(),
          reply);
    } else if (input instanceof SessionInput.IdentificationFailed) {
      step.closeWith(Replies.serviceUnavailable(settings.hostname()));
    } else {
      connectionEvents(step, input);
    }
  }

  private void commandPhase(SessionStep step, SessionInput input) {
    if (input instanceof SessionInput.CommandLine line) {
      command(step, line.command());
    } else if (input instanceof SessionInput.LineTooLong) {
      step.reply(Replies.LINE_TOO_LONG);
    } else if (input instanceof SessionInput.TimeUp) {
      step.closeWith(Replies.sessionTimeUp(settings.hostname()));
    } else {
      connectionEvents(step, input);
    }
  }

  /**
   * After a 554 instead of the greeting (RFC 5321 3.1): QUIT gets 221, any other command 503,
   * each counted as an error, so max-errors of them end the session with 421 4.7.0; the stage
   * gives the whole wait one command-timeout.
   */
  private void refused(SessionStep step, SessionInput input) {
    if (input instanceof SessionInput.CommandLine line
        && line.command() instanceof SmtpCommand.Quit) {
      step.closeWith(Replies.BYE);
    } else if (input instanceof SessionInput.CommandLine
        || input instanceof SessionInput.LineTooLong) {
      step.reply(Replies.REFUSED_SEND_QUIT);
    } else {
      connectionEvents(step, input);
    }
  }

  private void opening(SessionStep step, SessionInput input) {
    Optional<SessionState.PendingChunk> chunk = step.state().chunk();
    long maxBytes = step.limits().maxMessageSize();
    if (input instanceof SessionInput.MessageOpened opened) {
      step.transaction(step.tx().opened(opened.queueId(), opened.receivedAt()));
      ReceivedTrace trace = trace(step.state());
      if (chunk.isPresent()) {
        step.state(step.state().withPhase(Phase.BDAT));
        step.effect(new SessionEffect.ExpectBdat(chunk.get().size(), chunk.get().last(),
            Optional.of(trace), false, maxBytes));
      } else {
        step.state(step.state().withPhase(Phase.DATA));
        step.effect(new SessionEffect.ExpectData(maxBytes, trace));
        step.reply(Replies.START_DATA);
      }
    } else if (input instanceof SessionInput.MessageFailed failed) {
      step.state(step.state().withTransaction(Optional.empty()));
      if (chunk.isPresent()) {
        // the chunk's octets are on their way: consume them, then answer
        SessionState.PendingChunk c = chunk.get();
        consumeRefusedChunk(step, c.size(), c.last(), failed.reply());
      } else {
        step.state(step.state().withPhase(Phase.COMMAND));
        step.reply(failed.reply());
      }
    } else {
      lateEvents(step, input);
    }
  }

  private void content(SessionStep step, SessionInput input) {
    if (!(input instanceof SessionInput.DataFinished finished)) {
      lateEvents(step, input);
      return;
    }
    DataOutcome outcome = finished.outcome();
    if (step.state().phase() == Phase.DATA) {
      step.state(step.state().withPhase(Phase.COMMAND));
      Optional<SmtpReply> refusal = outcome.refusal();
      if (refusal.isPresent()) {
        reportTooBig(step, refusal.get());
        step.endTransaction();
        step.reply(refusal.get());
      } else {
        step.state(step.state().withPhase(Phase.COMMITTING));
        step.effect(new SessionEffect.CommitMessage(envelope(step.state(), outcome)));
      }
      return;
    }
    SessionState.PendingChunk chunk = step.state().chunk().orElseThrow();
    step.state(step.state().withChunk(Optional.empty()).withPhase(Phase.COMMAND));
    Optional<SmtpReply> refusal = chunk.refusal().or(outcome::refusal);
    if (refusal.isPresent()) {
      reportTooBig(step, refusal.get());
      step.endTransaction();
      step.reply(refusal.get());
    } else if (!chunk.last()) {
      step.transaction(step.tx().withChunkAccepted());
      step.reply(Replies.chunkReceived(chunk.size()));
    } else {
      step.state(step.state().withPhase(Phase.COMMITTING));
      step.effect(new SessionEffect.CommitMessage(envelope(step.state(), outcome)));
    }
  }

  private void committing(SessionStep step, SessionInput input) {
    if (input instanceof SessionInput.MessageQueued queued) {
      // committed: the writer is done, nothing to abort
      step.state(step.state().withTransaction(Optional.empty()).withPhase(Phase.COMMAND));
      step.reply(Replies.queued(queued.queueId()));
    } else if (input instanceof SessionInput.MessageFailed failed) {
      step.effect(new SessionEffect.AbortMessage());
      step.state(step.state().withTransaction(Optional.empty()).withPhase(Phase.COMMAND));
      step.reply(failed.reply());
    } else if (input instanceof SessionInput.MessageOutcomeUnknown) {
      // neither 250 nor a refusal would be true: the client sends it again, the body stays
      step.closeWithoutReply();
      return;
    } else if (input instanceof SessionInput.ShuttingDown) {
      step.state(step.state().withShutdownRequested());
      return;
    } else if (input instanceof SessionInput.TimeUp) {
      step.state(step.state().withTimeUp());
      return;
    } else {
      return; // no timeout while the client waits for us
    }
    if (step.state().shutdownRequested()) {
      step.closeWith(Replies.shuttingDown(settings.hostname()));
    }
  }

  /**
   * Inputs in the middle of a message: shutdown and timeouts end the session; the end of the
   * session's lifetime waits for the end of the message (its content has a deadline of its own).
   */
  private void lateEvents(SessionStep step, SessionInput input) {
    if (input instanceof SessionInput.TimeUp) {
      step.state(step.state().withTimeUp());
    } else {
      connectionEvents(step, input);
    }
  }

  /** Inputs that end the session whatever it is doing (except while committing). */
  private void connectionEvents(SessionStep step, SessionInput input) {
    if (input instanceof SessionInput.ShuttingDown) {
      step.closeWith(Replies.shuttingDown(settings.hostname()));
    } else if (input instanceof SessionInput.IdleTimeout) {
      step.closeWith(Replies.idleTimeout(settings.hostname()));
    } else if (input instanceof SessionInput.TimeUp) {
      step.closeWith(Replies.sessionTimeUp(settings.hostname()));
    }
    // anything else cannot happen in this phase and is ignored
  }

  // ---- commands ------------------------------------------------------------------------------

  private void command(SessionStep step, SmtpCommand command) {
    boolean junk = isJunk(step.state(), command);
    Optional<Verb> verb = command.knownVerb();
    Optional<SmtpReply> gate = security.gated() ? verb.flatMap(v -> TlsCommands.gate(step, v)
        .or(() -> AuthExchange.gate(step, v))) : Optional.empty();
    if (gate.isPresent()) {
      refuseAtGate(step, command, gate.get());
    } else if (verb.isPresent() && verb.get() == Verb.STARTTLS) {
      TlsCommands.startTls(step, command);
    } else if (verb.isPresent() && verb.get() == Verb.AUTH) {
      AuthExchange.auth(step, command);
    } else if (command instanceof SmtpCommand.Ehlo ehlo) {
      greet(step, ehlo.domain(), true);
    } else if (command instanceof SmtpCommand.Helo helo) {
      greet(step, helo.domain(), false);
    } else if (command instanceof SmtpCommand.Mail mail) {
      MailCommand.handle(step, mail);
    } else if (command instanceof SmtpCommand.Rcpt rcpt) {
      junk = RcptCommand.handle(step, rcpt);
    } else if (command instanceof SmtpCommand.Data) {
      data(step);
    } else if (command instanceof SmtpCommand.Bdat bdat) {
      bdat(step, bdat);
    } else if (command instanceof SmtpCommand.BadBdat bad) {
      badBdat(step, bad);
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
    if (junk) {
      step.junk();
    }
  }

  /**
   * A command the listener does not take yet (530): a BDAT's octets still follow it and are
   * consumed first, as for any refused BDAT.
   */
  private void refuseAtGate(SessionStep step, SmtpCommand command, SmtpReply refusal) {
    if (command instanceof SmtpCommand.Bdat bdat) {
      consumeRefusedChunk(step, bdat.size(), bdat.last(), refusal);
    } else if (command instanceof SmtpCommand.BadBdat bad) {
      badBdat(step, bad);
    } else {
      step.reply(refusal);
    }
  }

  /**
   * Whether the command has the JUNK trait; the first EHLO/HELO of a session is not junk, a
   * repeated one is.
   */
  private static boolean isJunk(SessionState state, SmtpCommand command) {
    Optional<Verb> verb = command.knownVerb();
    if (verb.isEmpty() || !verb.get().has(Verb.Trait.JUNK)
        || command instanceof SmtpCommand.Malformed) {
      return false;
    }
    boolean greeting = verb.get() == Verb.EHLO || verb.get() == Verb.HELO;
    return !greeting || state.greeting().isPresent();
  }

  /**
   * EHLO/HELO: a new greeting resets any transaction (RFC 5321 4.1.4). The name is not checked
   * (RFC 5321 4.1.4 forbids refusing a mismatched name, and many clients send odd ones); it is
   * reduced to safe characters where it is echoed into the Received: header. SIZE announces the
   * limit of this client (RFC 1870 4), or where AUTH is on offer the limit it will have after
   * it.
   */
  private void greet(SessionStep step, String name, boolean extended) {
    step.endTransaction();
    step.state(step.state().withGreeting(new SessionState.Greeting(name, extended)));
    if (!extended) {
      step.reply(Replies.helo(settings.hostname()));
      return;
    }
    List<String> keywords = new ArrayList<>(EXTENSIONS_BEFORE_SIZE);
    keywords.add("SIZE " + AuthExchange.advertisedSize(step));
    keywords.addAll(EXTENSIONS_AFTER_SIZE);
    TlsCommands.ehloKeyword(step).ifPresent(keywords::add);
    AuthExchange.ehloKeyword(step).ifPresent(keywords::add);
    keywords.addAll(settings.extraEhloKeywords());
    step.reply(Replies.ehlo(settings.hostname(), keywords));
  }

  private void data(SessionStep step) {
    Optional<SmtpReply> sequence = SequenceCheck.check(step.state(), Verb.DATA);
    if (sequence.isPresent()) {
      step.reply(sequence.get());
      return;
    }
    step.transaction(step.tx().withContent(Transaction.Content.DATA));
    step.state(step.state().withPhase(Phase.OPENING));
    step.effect(new SessionEffect.OpenMessage());
  }

  /**
   * BDAT (RFC 3030): the chunk's octets follow the command line whatever the answer, so even a
   * refused BDAT makes the decoder consume them; the reply comes after the octets.
   */
  private void bdat(SessionStep step, SmtpCommand.Bdat bdat) {
    Optional<SmtpReply> sequence = SequenceCheck.check(step.state(), Verb.BDAT);
    if (sequence.isPresent()) {
      consumeRefusedChunk(step, bdat.size(), bdat.last(), sequence.get());
      return;
    }
    step.state(step.state().withChunk(Optional.of(
        new SessionState.PendingChunk(bdat.size(), bdat.last(), Optional.empty()))));
    if (step.tx().hasOpenMessage()) {
      step.state(step.state().withPhase(Phase.BDAT));
      step.effect(new SessionEffect.ExpectBdat(bdat.size(), bdat.last(), Optional.empty(), false,
          step.limits().maxMessageSize()));
    } else {
      step.transaction(step.tx().withContent(Transaction.Content.BDAT));
      step.state(step.state().withPhase(Phase.OPENING));
      step.effect(new SessionEffect.OpenMessage());
    }
  }

  /**
   * A BDAT line with bad arguments: with a readable size its octets are consumed and then
   * refused (and the message with them), as for any refused BDAT; with an unreadable size the
   * session cannot tell the octets from commands and closes rather than execute them.
   */
  private void badBdat(SessionStep step, SmtpCommand.BadBdat bad) {
    if (bad.size().isEmpty()) {
      step.reply(Replies.BDAT_SIZE_UNREADABLE);
      return;
    }
    consumeRefusedChunk(step, bad.size().getAsLong(), false, Replies.BDAT_SYNTAX);
  }

  /** Consumes and drops a chunk's octets, then answers {@code refusal}. */
  private void consumeRefusedChunk(SessionStep step, long size, boolean last, SmtpReply refusal) {
    step.state(step.state().withPhase(Phase.BDAT).withChunk(Optional.of(
        new SessionState.PendingChunk(size, last, Optional.of(refusal)))));
    step.effect(new SessionEffect.ExpectBdat(size, last, Optional.empty(), true,
        step.limits().maxMessageSize()));
  }

  private void malformed(SessionStep step, SmtpCommand.Malformed malformed) {
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
      Optional<SmtpReply> sequence = SequenceCheck.check(step.state(), verb);
      if (sequence.isPresent()) {
        step.reply(sequence.get());
      } else if (verb == Verb.EHLO || verb == Verb.HELO) {
        step.reply(Replies.HELO_SYNTAX);
      } else {
        step.reply(Replies.SYNTAX_ERROR_IN_PARAMETERS);
      }
    }
  }

  /** Content over the client's size limit is a refusal for the event log; other faults not. */
  private static void reportTooBig(SessionStep step, SmtpReply refusal) {
    if (refusal.equals(Replies.MESSAGE_TOO_BIG)) {
      step.report(SessionRefusal.Stage.DATA, RefusalReason.SIZE, Optional.empty(), refusal);
    }
  }

  // ---- envelope and trace --------------------------------------------------------------------

  /**
   * The "with" keyword of the Received: header and the envelope: SMTP after HELO; ESMTP or
   * UTF8SMTP (RFC 6531 4.3), with "S" over TLS and "A" after AUTH (RFC 3848: ESMTPS,
   * ESMTPSA).
   */
  private String protocol(SessionState state) {
    boolean extended = state.greeting().map(SessionState.Greeting::extended).orElse(false);
    if (!extended) {
      return "SMTP";
    }
    String base = state.transaction().map(Transaction::smtputf8).orElse(false)
        ? "UTF8SMTP" : "ESMTP";
    SessionSecurity security = state.security();
    if (!security.secure() && !security.authenticated()) {
      return base;
    }
    return base + (security.secure() ? "S" : "") + (security.authenticated() ? "A" : "");
  }

  private ReceivedTrace trace(SessionState state) {
    Transaction tx = state.transaction().orElseThrow();
    Optional<Mailbox> single = tx.recipients().size() == 1
        ? Optional.of(tx.recipients().get(0)) : Optional.empty();
    return new ReceivedTrace(state.greeting().orElseThrow().name(),
        state.client().orElseThrow().remoteIp(), protocol(state), tx.queueId().orElseThrow(),
        single, tx.receivedAt().orElseThrow(), state.security().tls());
  }

  /**
   * The envelope to queue. An unidentified client can only have reached postmaster; its message
   * goes out with the null reverse-path, so a failed delivery is dropped, never bounced to a
   * sender address anybody may forge (no backscatter).
   */
  private Envelope envelope(SessionState state, DataOutcome outcome) {
    Transaction tx = state.transaction().orElseThrow();
    ClientIdentity client = state.client().orElseThrow();
    Optional<Mailbox> sender = client.mayRelay() ? tx.sender() : Optional.empty();
    return new Envelope(tx.queueId().orElseThrow(), sender, tx.recipients(),
        state.greeting().orElseThrow().name(), client, protocol(state),
        tx.receivedAt().orElseThrow(), outcome.stats().size(), tx.eightBitMime(), tx.smtputf8());
  }
}

package relay.protocol.server;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.TimerGraphStageLogicWithLogging;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import relay.protocol.command.CommandParser;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;
import relay.protocol.server.SessionState.Phase;
import relay.protocol.tls.TlsInfo;

/**
 * One SMTP server connection as a Pekko Streams stage: client bytes in, reply bytes out. It runs
 * {@link InputDecoder} -> {@link CommandParser} -> {@link SmtpSession} and executes the session's
 * effects through the {@link ClientPolicy} and {@link MessageSink} ports; their asynchronous
 * results come back through async callbacks.
 *
 * <ul>
 *   <li>Pipelining (RFC 2920): every complete command line in the input buffer is processed; the
 *       replies are written together when the buffer is drained, when the session waits for an
 *       asynchronous result, and right after the 354 to DATA.
 *   <li>Backpressure: no more input is read while a commit or the client identification is in
 *       flight, nor while replies wait for the client to read them; once max-pending-output
 *       octets of replies wait, buffered commands are not even decoded. A reply that stays
 *       unread for write-timeout aborts the connection (a client that does not read cannot hold
 *       a session, its memory or its slot).
 *   <li>Deadlines ({@link SessionDeadlines}): command lines, content, the wait for QUIT after a
 *       554, the session's lifetime; each gives 421 4.4.2 and close.
 *   <li>Session slots ({@link HeldSlot}): released exactly once when the stage stops, for
 *       whatever reason, even when the admission arrives after the connection is gone.
 *   <li>250 to the end of data only once {@link MessageWriter#commit} completed; a failed write or
 *       commit gives 451 4.3.0 (or the reply of a {@link MessageRefusedException}) and the session
 *       goes on.
 *   <li>STARTTLS (RFC 3207, over an {@link SmtpTransport} that can switch): the 220 goes out as
 *       the last plaintext of the switch; whatever the client pipelined after the command is
 *       dropped unanswered and counted (CVE-2011-0411), as is any plaintext that still arrives;
 *       the session starts over once the transport reports the TLS session. A failed or timed-out
 *       handshake fails the transport, which ends the connection.
 *   <li>AUTH (RFC 4954): the credentials go to {@link ClientPolicy#authenticate} without
 *       blocking; no input is read until its verdict. On success the connection's slot is
 *       released and the authenticated client's slot held instead, until the connection ends.
 *       Credentials are never logged.
 * </ul>
 *
 * @param <I> what the stage reads from its transport ({@link ByteString} for plain TCP)
 * @param <O> what it writes to it
 */
public final class SmtpServerStage<I, O> extends GraphStage<FlowShape<I, O>> {

  /** Replies the client does not read. */
  private static final String WRITE_TIMER = "write";
  /** A TLS connection's close_notify and close after the last reply. */
  private static final String CLOSE_TIMER = "close";

  private final Inlet<I> in = Inlet.create("SmtpServer.in");
  private final Outlet<O> out = Outlet.create("SmtpServer.out");
  private final FlowShape<I, O> shape = FlowShape.of(in, out);

  private final SmtpServerSettings settings;
  private final ListenerSecurity security;
  private final SmtpTransport<I, O> transport;
  private final ClientPolicy policy;
  private final MessageSink sink;
  private final InetSocketAddress remote;
  private final InetSocketAddress local;
  private final ServerControl control;
  private final Clock clock;

  public SmtpServerStage(SmtpServerSettings settings, ListenerSecurity security,
      SmtpTransport<I, O> transport, ClientPolicy policy, MessageSink sink,
      InetSocketAddress remote, InetSocketAddress local, ServerControl control, Clock clock) {
    this.settings = settings;
    this.security = security;
    this.transport = transport;
    this.policy = policy;
    this.sink = sink;
    this.remote = remote;
    this.local = local;
    this.control = control;
    this.clock = clock;
  }

  @Override
  public FlowShape<I, O> shape() {
    return shape;
  }

  @Override
  public TimerGraphStageLogicWithLogging createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  private final class Logic extends TimerGraphStageLogicWithLogging {

    private final SmtpSession session = new SmtpSession(settings, security);
    private final InputDecoder decoder =
        new InputDecoder(settings.maxCommandLine(), settings.maxTextLine());
    private SessionState state = SessionState.initial();
    private ByteStringBuilder output = ByteString.createBuilder();

    private final MessageIntake message = new MessageIntake(settings, sink, this::log);

    private boolean waiting; // for the client policy or a commit
    private boolean committing;
    private boolean closing;
    private boolean inputFinished;
    private final SessionDeadlines deadlines =
        new SessionDeadlines(settings.timeouts(), new SessionDeadlines.Timers() {
          @Override
          public void schedule(String key, Duration delay) {
            scheduleOnce(key, delay);
          }

          @Override
          public void cancel(String key) {
            cancelTimer(key);
          }
        });
    /** STARTTLS was answered: plaintext from the client is dropped from now on. */
    private boolean tlsAsked;
    /** The switch to TLS (with the 220), until the transport takes it. */
    private O pendingSwitch;

    /** The connection's slot, released when the stage stops. */
    private final HeldSlot slot = new HeldSlot();

    private final AsyncCallback<Optional<Admission>> identified =
        createAsyncCallback(this::onIdentified);
    private final AsyncCallback<Optional<Throwable>> committed =
        createAsyncCallback(this::onCommitted);
    private final AsyncCallback<Optional<AuthOutcome>> authenticated =
        createAsyncCallback(this::onAuthenticated);
    private final AsyncCallback<Done> shutdownRequested =
        createAsyncCallback(done -> onShutdown());
    private final Runnable shutdownHook = () -> shutdownRequested.invoke(Done.getInstance());

    Logic() {
      super(shape);
      setHandler(in, new AbstractInHandler() {
        @Override
        public void onPush() {
          received(grab(in));
          process();
        }

        @Override
        public void onUpstreamFailure(Throwable ex) {
          if (security.usesTls()) {
            // a failed or timed-out handshake, or a broken TLS session: nothing can be answered
            log().info("TLS connection from {} failed: {}", remote, ex.toString());
          }
          failStage(ex);
        }

        @Override
        public void onUpstreamFinish() {
          inputFinished = true;
          if (!waiting) {
            process(); // answers what is buffered, then completes
          }
        }
      });
      setHandler(out, new AbstractOutHandler() {
        @Override
        public void onPull() {
          process();
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
          completeStage();
        }
      });
    }

    @Override
    public void preStart() {
      control.register(shutdownHook);
      waiting = true;
      deadlines.start();
      try {
        policy.identify(remote, local).whenComplete((admission, error) -> {
          if (admission instanceof Admission.Admitted admitted) {
            slot.keep(admitted.slot());
          } else if (admission instanceof Admission.Refused refused) {
            refused.waitForQuit().ifPresent(slot::keep);
          }
          identified.invoke(Optional.ofNullable(error == null ? admission : null));
        });
      } catch (RuntimeException e) {
        log().warning("client policy failed for {}: {}", remote, e);
        identified.invoke(Optional.empty());
      }
    }

    @Override
    public void postStop() {
      control.deregister(shutdownHook);
      slot.stopped();
      if (message.isOpen() && !committing) {
        message.abort(); // connection lost in the middle of a message
      }
    }

    @Override
    public void onTimer(Object key) {
      if (CLOSE_TIMER.equals(key)) {
        completeStage(); // the TLS session did not close in time
        return;
      }
      if (WRITE_TIMER.equals(key)) {
        if (!written()) {
          // the client has not read a reply for write-timeout: abort, nothing can reach it
          failStage(new ClientNotReading(remote));
        }
        return;
      }
      input(deadlines.fired((String) key));
      process();
    }

    // ---- async results -----------------------------------------------------------------------

    private void onIdentified(Optional<Admission> admission) {
      if (state.phase() != SessionState.Phase.CONNECTING) {
        return;
      }
      waiting = false;
      input(admission.<SessionInput>map(a -> a instanceof Admission.Refused refused
              ? new SessionInput.Refused(refused.client(), refused.refusal(), refused.reason(),
                  refused.waitForQuit().isPresent())
              : new SessionInput.Connected(a.client()))
          .orElseGet(SessionInput.IdentificationFailed::new));
      process();
    }

    private void onCommitted(Optional<Throwable> failure) {
      waiting = false;
      committing = false;
      String queueId = message.queueId();
      if (failure.isEmpty()) {
        message.forget();
        input(new SessionInput.MessageQueued(queueId));
      } else if (MessageOutcomeUnknownException.in(failure.get())) {
        log().warning("commit of {}: outcome unknown, closing without a reply: {}",
            queueId, failure.get());
        message.forget(); // not aborted: the message may be queued
        input(new SessionInput.MessageOutcomeUnknown());
      } else {
        log().warning("commit of {} failed: {}", queueId, failure.get());
        input(new SessionInput.MessageFailed(MessageRefusedException.replyFor(failure.get())));
      }
      process();
    }

    /**
     * Called on the policy's thread with an AUTH verdict: an authenticated client's slot
     * replaces the connection's (released at once if the stage has stopped); a refusal's slot is
     * not needed, the connection has its own.
     */
    private void takeSlot(AuthOutcome outcome) {
      if (outcome instanceof AuthOutcome.Authenticated ok) {
        slot.replace(ok.admission().slot());
      } else if (outcome instanceof AuthOutcome.Refused refused) {
        refused.refusal().waitForQuit().ifPresent(SessionSlot::release);
      }
    }

    private void onAuthenticated(Optional<AuthOutcome> outcome) {
      if (state.phase() != Phase.AUTHENTICATING) {
        return;
      }
      waiting = false;
      input(outcome.<SessionInput>map(SessionInput.AuthFinished::new)
          .orElseGet(SessionInput.AuthUnavailable::new));
      process();
    }

    private void onShutdown() {
      input(new SessionInput.ShuttingDown());
      process();
    }

    // ---- the loop ----------------------------------------------------------------------------

    /**
     * Decodes and runs every complete input event, writes the replies, then either closes, waits,
     * or asks for more input.
     */
    private void process() {
      while (!waiting && !closing && output.length() < settings.maxPendingOutput()) {
        DecoderEvent event = decoder.poll();
        if (event == null) {
          break;
        }
        decoded(event);
      }
      flush();
      if (closing) {
        if (written()) {
          close();
        }
        return;
      }
      if (waiting) {
        return;
      }
      if (inputFinished) {
        completeStage(); // the client is gone and everything it sent is answered
        return;
      }
      deadlines.update(decoder.inContent(), decoder.contentConsumed(),
          state.phase() == Phase.REFUSED);
      if (written() && !hasBeenPulled(in) && !isClosed(in)) {
        pull(in);
      }
    }

    /** One element from the transport: bytes for the decoder, or the TLS session being up. */
    private void received(I element) {
      TlsInfo tls = transport.established(element);
      if (tls != null) {
        if (security.authOffered()) {
          decoder.allowAuthLines(AuthExchange.MAX_LINE);
        }
        input(new SessionInput.TlsEstablished(tls));
        return;
      }
      ByteString bytes = transport.bytes(element);
      if (tlsAsked && transport.plaintext(element)) {
        discarded(bytes.length()); // in clear after STARTTLS: never read (RFC 3207 4.2)
        return;
      }
      decoder.feed(bytes);
    }

    private void discarded(int octets) {
      if (octets > 0) {
        control.discardedAfterStartTls();
        log().warning("dropped {} octets {} sent in clear after STARTTLS, unanswered "
            + "(RFC 3207 4.2, CVE-2011-0411)", octets, remote);
      }
    }

    private void decoded(DecoderEvent event) {
      if (event instanceof DecoderEvent.CommandLine line) {
        input(state.phase() == Phase.AUTH
            ? new SessionInput.SaslResponse(SaslDecoding.responseLine(line.line()))
            : new SessionInput.CommandLine(CommandParser.parse(line.line().toArray())));
      } else if (event instanceof DecoderEvent.LineTooLong) {
        input(new SessionInput.LineTooLong());
      } else if (event instanceof DecoderEvent.DataChunk chunk) {
        message.chunk(chunk.bytes());
      } else if (event instanceof DecoderEvent.DataEnd end) {
        input(new SessionInput.DataFinished(message.end(end.stats())));
      }
    }

    /** Runs one session step: buffers its replies and executes its effects. */
    private void input(SessionInput sessionInput) {
      deadlines.progressed();
      Transition transition = session.next(state, sessionInput);
      state = transition.state();
      for (SmtpReply reply : transition.replies()) {
        output.putBytes(reply.encode());
      }
      for (SessionEffect effect : transition.effects()) {
        execute(effect);
      }
      decoder.expectSaslResponse(state.phase() == Phase.AUTH);
    }

    private void execute(SessionEffect effect) {
      if (effect instanceof SessionEffect.ReportRefusal report) {
        try {
          policy.refused(report.refusal());
        } catch (RuntimeException e) {
          log().warning("client policy failed to record a refusal for {}: {}", remote, e);
        }
      } else if (effect instanceof SessionEffect.OpenMessage) {
        input(message.open().<SessionInput>map(id -> new SessionInput.MessageOpened(id,
            clock.instant())).orElseGet(() -> new SessionInput.MessageFailed(Replies.LOCAL_ERROR)));
      } else if (effect instanceof SessionEffect.ExpectData data) {
        message.expectData(data.trace());
        decoder.expectData(data.maxBytes());
        deadlines.contentStarted();
        flush(); // DATA ends a pipelined group: the client waits for the 354
      } else if (effect instanceof SessionEffect.ExpectBdat bdat) {
        message.expectBdat(bdat);
        deadlines.contentStarted();
        decoder.expectBdat(bdat.size(), bdat.last(),
            bdat.startsMessage().isPresent() || bdat.discard(), bdat.maxBytes());
      } else if (effect instanceof SessionEffect.CommitMessage commit) {
        commit(commit.envelope());
      } else if (effect instanceof SessionEffect.AbortMessage) {
        message.abort();
      } else if (effect instanceof SessionEffect.Close) {
        closing = true;
      } else if (effect instanceof SessionEffect.StartTls) {
        startTls();
      } else if (effect instanceof SessionEffect.Authenticate credentials) {
        authenticate(credentials);
      }
    }

    /**
     * The replies so far (ending with the 220) become the switch's last plaintext; what the
     * client pipelined after STARTTLS is dropped (RFC 3207 4.2).
     */
    private void startTls() {
      int dropped = decoder.buffered();
      decoder.clear();
      discarded(dropped);
      tlsAsked = true;
      pendingSwitch = transport.startTls(output.result(), dropped);
      output = ByteString.createBuilder();
    }

    private void authenticate(SessionEffect.Authenticate credentials) {
      waiting = true;
      try {
        policy.authenticate(remote, local, credentials.authorizationId(), credentials.username(),
            credentials.password()).whenComplete((outcome, error) -> {
              if (error != null || outcome == null) {
                log().warning("client policy could not check credentials from {}: {}", remote,
                    error == null ? "no verdict" : error.getClass().getName());
                authenticated.invoke(Optional.empty());
              } else {
                takeSlot(outcome);
                authenticated.invoke(Optional.of(outcome));
              }
            });
      } catch (RuntimeException e) {
        log().warning("client policy failed to check credentials from {}: {}", remote,
            e.getClass().getName());
        authenticated.invoke(Optional.empty());
      }
    }

    private void commit(Envelope envelope) {
      waiting = true;
      committing = true;
      deadlines.suspend();
      CompletionStage<Done> result;
      try {
        result = message.commit(envelope);
      } catch (RuntimeException e) {
        committed.invoke(Optional.of(e));
        return;
      }
      result.whenComplete((done, error) -> committed.invoke(Optional.ofNullable(error)));
    }

    /**
     * Pushes the replies (or the switch to TLS) if the client takes them; otherwise the write
     * deadline runs.
     */
    private void flush() {
      if (output.isEmpty() && pendingSwitch == null) {
        return;
      }
      if (isAvailable(out)) {
        if (pendingSwitch != null) {
          push(out, pendingSwitch);
          pendingSwitch = null;
        } else {
          push(out, transport.send(output.result()));
          output = ByteString.createBuilder();
        }
        cancelTimer(WRITE_TIMER);
      } else if (!isTimerActive(WRITE_TIMER)) {
        scheduleOnce(WRITE_TIMER, settings.timeouts().write());
      }
    }

    /**
     * Ends the connection once the last reply is written. Over TLS only the output ends: the TLS
     * stage writes the reply, then close_notify, then closes, and the end of the input stops
     * this stage (cancelling the input at once would cut the TLS session before the reply,
     * a 221 or 421, went out); within write-timeout at the most.
     */
    private void close() {
      if (!security.usesTls() || inputFinished) {
        completeStage();
      } else if (!isClosed(out)) {
        complete(out);
        scheduleOnce(CLOSE_TIMER, settings.timeouts().write());
      }
    }

    /** Nothing is waiting to be written. */
    private boolean written() {
      return output.isEmpty() && pendingSwitch == null;
    }
  }
}

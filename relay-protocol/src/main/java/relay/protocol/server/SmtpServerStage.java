package relay.protocol.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
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
 *   <li>Deadlines (RFC 5321 4.5.3.2 for the minimums): a whole command line within
 *       command-timeout of the previous reply, however its bytes trickle in (after a 554 at
 *       connect, QUIT within one command-timeout of the 554, however many commands); message content
 *       within data-timeout plus its octets at min-data-rate; either gives 421 4.4.2 and close.
 *       The session lasts at most max-session-time. No deadline runs during a commit.
 *   <li>Session slots: the {@link SessionSlot} of an admitted connection (or of a refused one
 *       that waits for QUIT) is released exactly once
 *       when the stage stops, for whatever reason (QUIT, error, timeout, shutdown, peer reset),
 *       even when the admission arrives after the connection is already gone.
 *   <li>250 to the end of data only once {@link MessageWriter#commit} completed; a failed write or
 *       commit gives 451 4.3.0 (or the reply of a {@link MessageRefusedException}) and the session
 *       goes on.
 * </ul>
 */
public final class SmtpServerStage extends GraphStage<FlowShape<ByteString, ByteString>> {

  /** A whole command line must arrive before it fires. */
  private static final String LINE_TIMER = "line";
  /** Message content must arrive before it fires (moved as octets arrive). */
  private static final String CONTENT_TIMER = "content";
  /** The session's lifetime. */
  private static final String LIFETIME_TIMER = "lifetime";
  /** Replies the client does not read. */
  private static final String WRITE_TIMER = "write";
  /** Marks a stopped stage's slot holder: a slot that arrives later is released at once. */
  private static final SessionSlot STOPPED = () -> { };

  private final Inlet<ByteString> in = Inlet.create("SmtpServer.in");
  private final Outlet<ByteString> out = Outlet.create("SmtpServer.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  private final SmtpServerSettings settings;
  private final ClientPolicy policy;
  private final MessageSink sink;
  private final InetSocketAddress remote;
  private final InetSocketAddress local;
  private final ServerControl control;
  private final Clock clock;

  public SmtpServerStage(SmtpServerSettings settings, ClientPolicy policy, MessageSink sink,
      InetSocketAddress remote, InetSocketAddress local, ServerControl control, Clock clock) {
    this.settings = settings;
    this.policy = policy;
    this.sink = sink;
    this.remote = remote;
    this.local = local;
    this.control = control;
    this.clock = clock;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public TimerGraphStageLogicWithLogging createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  private final class Logic extends TimerGraphStageLogicWithLogging {

    private final SmtpSession session = new SmtpSession(settings);
    private final InputDecoder decoder =
        new InputDecoder(settings.maxCommandLine(), settings.maxTextLine());
    private SessionState state = SessionState.initial();
    private ByteStringBuilder output = ByteString.createBuilder();

    private MessageWriter writer; // open spool entry, if any
    private HeaderAmender amender; // of the message being received
    private boolean keepContent; // write the current content to the writer
    private boolean lastChunk; // the current content ends the message (DATA or BDAT LAST)
    private boolean storageFailed; // a write to the current message failed

    private boolean waiting; // for the client policy or a commit
    private boolean committing;
    private boolean closing;
    private boolean inputFinished;
    /** The session consumed an input since the line deadline was last set. */
    private boolean progressed;
    private boolean lineTimerSet;
    /** The wait for QUIT after a 554 at connect has its one command-timeout. */
    private boolean refusedDeadlineSet;
    /** When the current message content began (System.nanoTime). */
    private long contentStartedNanos;

    /** The admitted connection's slot; {@link #STOPPED} once the stage stopped. */
    private final AtomicReference<SessionSlot> slot = new AtomicReference<>();

    private final AsyncCallback<Optional<Admission>> identified =
        createAsyncCallback(this::onIdentified);
    private final AsyncCallback<Optional<Throwable>> committed =
        createAsyncCallback(this::onCommitted);
    private final AsyncCallback<Done> shutdownRequested =
        createAsyncCallback(done -> onShutdown());
    private final Runnable shutdownHook = () -> shutdownRequested.invoke(Done.getInstance());

    Logic() {
      super(shape);
      setHandler(in, new AbstractInHandler() {
        @Override
        public void onPush() {
          decoder.feed(grab(in));
          process();
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
      scheduleOnce(LIFETIME_TIMER, settings.timeouts().maxSession());
      scheduleLineDeadline();
      try {
        policy.identify(remote, local).whenComplete((admission, error) -> {
          if (admission instanceof Admission.Admitted admitted) {
            keepSlot(admitted.slot());
          } else if (admission instanceof Admission.Refused refused) {
            refused.waitForQuit().ifPresent(this::keepSlot);
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
      SessionSlot held = slot.getAndSet(STOPPED);
      if (held != null && held != STOPPED) {
        held.release();
      }
      if (writer != null && !committing) {
        abortWriter(); // connection lost in the middle of a message
      }
    }

    @Override
    public void onTimer(Object key) {
      if (WRITE_TIMER.equals(key)) {
        if (!output.isEmpty()) {
          // the client has not read a reply for write-timeout: abort, nothing can reach it
          failStage(new ClientNotReading(remote));
        }
        return;
      }
      if (LINE_TIMER.equals(key)) {
        lineTimerSet = false;
      }
      input(LIFETIME_TIMER.equals(key) ? new SessionInput.TimeUp()
          : new SessionInput.IdleTimeout());
      process();
    }

    // ---- async results -----------------------------------------------------------------------

    /**
     * Called on the policy's thread: the stage owns the slot from now on. If the stage has already
     * stopped (the peer went away before the verdict), the slot is released at once.
     */
    private void keepSlot(SessionSlot admitted) {
      if (!slot.compareAndSet(null, admitted)) {
        admitted.release();
      }
    }

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
      MessageWriter done = writer;
      if (failure.isEmpty()) {
        writer = null;
        amender = null;
        input(new SessionInput.MessageQueued(done.queueId()));
      } else if (MessageOutcomeUnknownException.in(failure.get())) {
        log().warning("commit of {}: outcome unknown, closing without a reply: {}",
            done.queueId(), failure.get());
        writer = null; // not aborted: the message may be queued
        amender = null;
        input(new SessionInput.MessageOutcomeUnknown());
      } else {
        log().warning("commit of {} failed: {}", done.queueId(), failure.get());
        input(new SessionInput.MessageFailed(MessageRefusedException.replyFor(failure.get())));
      }
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
        if (output.isEmpty()) {
          completeStage();
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
      updateDeadlines();
      if (output.isEmpty() && !hasBeenPulled(in) && !isClosed(in)) {
        pull(in);
      }
    }

    private void decoded(DecoderEvent event) {
      if (event instanceof DecoderEvent.CommandLine line) {
        input(new SessionInput.CommandLine(CommandParser.parse(line.line().toArray())));
      } else if (event instanceof DecoderEvent.LineTooLong) {
        input(new SessionInput.LineTooLong());
      } else if (event instanceof DecoderEvent.DataChunk chunk) {
        if (keepContent && writer != null && !storageFailed) {
          write(amender.accept(chunk.bytes()));
        }
      } else if (event instanceof DecoderEvent.DataEnd end) {
        boolean mailLoop = false;
        if (keepContent && writer != null) {
          if (lastChunk && !storageFailed && !end.stats().refused()) {
            write(amender.finish());
          }
          mailLoop = amender.mailLoop();
        }
        input(new SessionInput.DataFinished(
            new DataOutcome(end.stats(), mailLoop, keepContent && storageFailed)));
      }
    }

    /** Runs one session step: buffers its replies and executes its effects. */
    private void input(SessionInput sessionInput) {
      progressed = true;
      Transition transition = session.next(state, sessionInput);
      state = transition.state();
      for (SmtpReply reply : transition.replies()) {
        output.putBytes(reply.encode());
      }
      for (SessionEffect effect : transition.effects()) {
        execute(effect);
      }
    }

    private void execute(SessionEffect effect) {
      if (effect instanceof SessionEffect.ReportRefusal report) {
        try {
          policy.refused(report.refusal());
        } catch (RuntimeException e) {
          log().warning("client policy failed to record a refusal for {}: {}", remote, e);
        }
      } else if (effect instanceof SessionEffect.OpenMessage) {
        openMessage();
      } else if (effect instanceof SessionEffect.ExpectData data) {
        amender = newAmender(data.trace());
        keepContent = true;
        lastChunk = true;
        storageFailed = false;
        decoder.expectData(data.maxBytes());
        contentStartedNanos = System.nanoTime();
        flush(); // DATA ends a pipelined group: the client waits for the 354
      } else if (effect instanceof SessionEffect.ExpectBdat bdat) {
        if (bdat.startsMessage().isPresent()) {
          amender = newAmender(bdat.startsMessage().get());
          storageFailed = false;
        }
        keepContent = !bdat.discard();
        lastChunk = bdat.last();
        contentStartedNanos = System.nanoTime();
        decoder.expectBdat(bdat.size(), bdat.last(),
            bdat.startsMessage().isPresent() || bdat.discard(), bdat.maxBytes());
      } else if (effect instanceof SessionEffect.CommitMessage commit) {
        commit(amender == null ? commit.envelope()
            : commit.envelope().withContentDigest(amender.contentDigest()));
      } else if (effect instanceof SessionEffect.AbortMessage) {
        abortWriter();
      } else if (effect instanceof SessionEffect.Close) {
        closing = true;
      }
    }

    private void openMessage() {
      try {
        writer = sink.begin();
      } catch (IOException | RuntimeException e) {
        log().warning("cannot open a spool entry: {}", e);
        writer = null;
        input(new SessionInput.MessageFailed(Replies.LOCAL_ERROR));
        return;
      }
      input(new SessionInput.MessageOpened(writer.queueId(), clock.instant()));
    }

    private void commit(Envelope envelope) {
      waiting = true;
      committing = true;
      cancelTimer(LINE_TIMER);
      lineTimerSet = false;
      cancelTimer(CONTENT_TIMER);
      CompletionStage<Done> result;
      try {
        result = writer.commit(envelope);
      } catch (RuntimeException e) {
        committed.invoke(Optional.of(e));
        return;
      }
      result.whenComplete((done, error) -> committed.invoke(Optional.ofNullable(error)));
    }

    private void write(ByteString bytes) {
      if (bytes.isEmpty()) {
        return;
      }
      try {
        writer.write(bytes);
      } catch (IOException | RuntimeException e) {
        log().warning("write to {} failed: {}", writer.queueId(), e);
        storageFailed = true;
      }
    }

    private void abortWriter() {
      if (writer != null) {
        try {
          writer.abort();
        } catch (RuntimeException e) {
          log().warning("abort of {} failed: {}", writer.queueId(), e);
        }
      }
      writer = null;
      amender = null;
      keepContent = false;
    }

    private HeaderAmender newAmender(ReceivedTrace trace) {
      return new HeaderAmender(trace, settings.hostname(), settings.maxReceivedHeaders(),
          settings.maxTextLine());
    }

    /** Pushes the replies if the client takes them; otherwise the write deadline runs. */
    private void flush() {
      if (output.isEmpty()) {
        return;
      }
      if (isAvailable(out)) {
        push(out, output.result());
        output = ByteString.createBuilder();
        cancelTimer(WRITE_TIMER);
      } else if (!isTimerActive(WRITE_TIMER)) {
        scheduleOnce(WRITE_TIMER, settings.timeouts().write());
      }
    }

    /**
     * Sets the deadline of what the session waits for now: inside content, data-timeout plus the
     * octets so far at min-data-rate from the start of the content; between commands, a whole
     * line within command-timeout of the last command (partial bytes do not move it).
     */
    private void updateDeadlines() {
      if (decoder.inContent()) {
        cancelTimer(LINE_TIMER);
        lineTimerSet = false;
        long elapsed = System.nanoTime() - contentStartedNanos;
        Duration left = settings.timeouts().contentAllowance(decoder.contentConsumed())
            .minusNanos(elapsed);
        scheduleOnce(CONTENT_TIMER, left.isNegative() ? Duration.ZERO : left);
        return;
      }
      cancelTimer(CONTENT_TIMER);
      if (state.phase() == SessionState.Phase.REFUSED) {
        // a refused client gets one command-timeout in all to send QUIT, however many commands
        if (!refusedDeadlineSet) {
          refusedDeadlineSet = true;
          scheduleLineDeadline();
        }
        return;
      }
      if (progressed || !lineTimerSet) {
        scheduleLineDeadline();
      }
    }

    private void scheduleLineDeadline() {
      progressed = false;
      lineTimerSet = true;
      scheduleOnce(LINE_TIMER, settings.timeouts().command());
    }
  }

  /** Why a connection was aborted: its client did not read a reply for write-timeout. */
  static final class ClientNotReading extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClientNotReading(InetSocketAddress remote) {
      super("client " + remote + " did not read its replies within the write timeout", null,
          false, false);
    }
  }
}

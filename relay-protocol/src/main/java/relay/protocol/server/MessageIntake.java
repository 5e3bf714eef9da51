package relay.protocol.server;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.util.ByteString;

/**
 * The spool side of the message a {@link SmtpServerStage} is receiving: the open
 * {@link MessageWriter}, the {@link HeaderAmender} between the decoder's content and it, and what
 * the current content (DATA, or one BDAT chunk) is for. Single-threaded, owned by the stage.
 *
 * <p>A write that fails marks the message ({@link DataOutcome#storageFailed}) and the rest of its
 * content is consumed but not written; the session answers 451 at its end.
 */
final class MessageIntake {

  private final SmtpServerSettings settings;
  private final MessageSink sink;
  private final Supplier<LoggingAdapter> log;

  private MessageWriter writer; // open spool entry, if any
  private HeaderAmender amender; // of the message being received
  private boolean keepContent; // write the current content to the writer
  private boolean lastChunk; // the current content ends the message (DATA or BDAT LAST)
  private boolean storageFailed; // a write to the current message failed

  /** {@code log} is the stage's, asked for only once the stage runs. */
  MessageIntake(SmtpServerSettings settings, MessageSink sink, Supplier<LoggingAdapter> log) {
    this.settings = settings;
    this.sink = sink;
    this.log = log;
  }

  /** Opens a spool entry; its queue id, or empty (logged) when the sink cannot. */
  Optional<String> open() {
    try {
      writer = sink.begin();
      return Optional.of(writer.queueId());
    } catch (IOException | RuntimeException e) {
      log.get().warning("cannot open a spool entry: {}", e);
      writer = null;
      return Optional.empty();
    }
  }

  /** Whether a spool entry is open (and not yet committed or aborted). */
  boolean isOpen() {
    return writer != null;
  }

  /** DATA content follows, the whole message, under {@code trace}. */
  void expectData(ReceivedTrace trace) {
    amender = newAmender(trace);
    keepContent = true;
    lastChunk = true;
    storageFailed = false;
  }

  /** One BDAT chunk follows (see {@link SessionEffect.ExpectBdat}). */
  void expectBdat(SessionEffect.ExpectBdat bdat) {
    if (bdat.startsMessage().isPresent()) {
      amender = newAmender(bdat.startsMessage().get());
      storageFailed = false;
    }
    keepContent = !bdat.discard();
    lastChunk = bdat.last();
  }

  /** Content from the decoder. */
  void chunk(ByteString bytes) {
    if (keepContent && writer != null && !storageFailed) {
      write(amender.accept(bytes));
    }
  }

  /** The end of the current content: what the session is told about it. */
  DataOutcome end(DataStats stats) {
    boolean mailLoop = false;
    if (keepContent && writer != null) {
      if (lastChunk && !storageFailed && !stats.refused()) {
        write(amender.finish());
      }
      mailLoop = amender.mailLoop();
    }
    return new DataOutcome(stats, mailLoop, keepContent && storageFailed);
  }

  /** Commits the message under {@code envelope} (with its content digest, when there is one). */
  CompletionStage<Done> commit(Envelope envelope) {
    return writer.commit(amender == null ? envelope
        : envelope.withContentDigest(amender.contentDigest()));
  }

  String queueId() {
    return writer.queueId();
  }

  /** The commit ended (queued, or perhaps queued): the entry is no longer ours to abort. */
  void forget() {
    writer = null;
    amender = null;
  }

  /** Discards the open entry, if any (idempotent). */
  void abort() {
    if (writer != null) {
      try {
        writer.abort();
      } catch (RuntimeException e) {
        log.get().warning("abort of {} failed: {}", writer.queueId(), e);
      }
    }
    writer = null;
    amender = null;
    keepContent = false;
  }

  private void write(ByteString bytes) {
    if (bytes.isEmpty()) {
      return;
    }
    try {
      writer.write(bytes);
    } catch (IOException | RuntimeException e) {
      log.get().warning("write to {} failed: {}", writer.queueId(), e);
      storageFailed = true;
    }
  }

  private HeaderAmender newAmender(ReceivedTrace trace) {
    return new HeaderAmender(trace, settings.hostname(), settings.maxReceivedHeaders(),
        settings.maxTextLine());
  }
}

package relay.protocol.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * A {@link MessageSink} for tests that keeps committed messages in memory, counts aborts, and
 * injects the faults a test asks for (begin, write or commit failing; commits held back).
 */
final class InMemoryMessageSink implements MessageSink {

  /** A committed message: its envelope and the amended bytes the stage wrote. */
  record Stored(Envelope envelope, String content) {}

  final List<Stored> committed = new CopyOnWriteArrayList<>();
  final AtomicInteger begun = new AtomicInteger();
  final AtomicInteger aborted = new AtomicInteger();
  volatile boolean failBegin;
  volatile boolean failWrite;
  volatile boolean failCommit;
  /** When set, commits complete only when the test completes this future. */
  volatile CompletableFuture<Done> commitGate;

  @Override
  public MessageWriter begin() throws IOException {
    if (failBegin) {
      throw new IOException("test: spool unavailable");
    }
    return new Writer("Q" + begun.incrementAndGet());
  }

  private final class Writer implements MessageWriter {
    private final String id;
    private final ByteStringBuilder bytes = ByteString.createBuilder();
    private final AtomicBoolean aborted = new AtomicBoolean();

    Writer(String id) {
      this.id = id;
    }

    @Override
    public String queueId() {
      return id;
    }

    @Override
    public synchronized void write(ByteString chunk) throws IOException {
      if (failWrite) {
        throw new IOException("test: disk full");
      }
      bytes.append(chunk);
    }

    @Override
    public CompletionStage<Done> commit(Envelope envelope) {
      CompletableFuture<Done> gate = commitGate;
      CompletableFuture<Done> before = gate == null
          ? CompletableFuture.completedFuture(Done.getInstance()) : gate;
      return before.thenApply(done -> {
        if (failCommit) {
          throw new IllegalStateException("test: queue unavailable");
        }
        String content;
        synchronized (this) {
          content = bytes.result().decodeString(StandardCharsets.UTF_8);
        }
        committed.add(new Stored(envelope, content));
        return Done.getInstance();
      });
    }

    @Override
    public void abort() {
      if (aborted.compareAndSet(false, true)) {
        InMemoryMessageSink.this.aborted.incrementAndGet();
      }
    }
  }
}

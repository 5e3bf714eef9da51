package relay.protocol.server;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.util.ByteString;
import relay.protocol.reply.Replies;

/**
 * The hourly allowance of mail an unidentified client's IP address may send to postmaster on
 * this node (relay.smtp.server.unidentified.messages-per-hour): a token bucket per address that
 * refills evenly over the hour. A message beyond it is refused at the end of its data with
 * 450 4.7.1 and nothing is kept; registered clients pass through untouched.
 *
 * <p>A decorator of the node's {@link MessageSink}. Memory is bounded: at most
 * {@value #MAX_ADDRESSES} addresses are tracked, the least recently seen forgotten first (an
 * address forgotten that way starts with a full bucket again; the connection caps still bound
 * what it can do). Thread-safe.
 */
public final class UnidentifiedMailRate implements MessageSink {

  static final int MAX_ADDRESSES = 65_536;
  private static final long HOUR_NANOS = 3_600_000_000_000L;

  private final MessageSink sink;
  private final int perHour;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets =
      new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
          return size() > MAX_ADDRESSES;
        }
      };

  public UnidentifiedMailRate(MessageSink sink, int perHour) {
    this(sink, perHour, System::nanoTime);
  }

  UnidentifiedMailRate(MessageSink sink, int perHour, LongSupplier nanoTime) {
    this.sink = sink;
    this.perHour = perHour;
    this.nanoTime = nanoTime;
  }

  private static final class Bucket {
    double tokens;
    long refilledAt;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.refilledAt = at;
    }
  }

  @Override
  public MessageWriter begin() throws IOException {
    MessageWriter writer = sink.begin();
    return new MessageWriter() {
      @Override
      public String queueId() {
        return writer.queueId();
      }

      @Override
      public void write(ByteString chunk) throws IOException {
        writer.write(chunk);
      }

      @Override
      public CompletionStage<Done> commit(Envelope envelope) {
        if (!envelope.client().mayRelay() && !tryTake(envelope.client().remoteIp())) {
          writer.abort();
          return CompletableFuture.failedFuture(
              new MessageRefusedException(Replies.POSTMASTER_RATE, null));
        }
        return writer.commit(envelope);
      }

      @Override
      public void abort() {
        writer.abort();
      }
    };
  }

  /** Takes one message from the address's allowance; false when none is left. */
  boolean tryTake(String ip) {
    if (perHour == 0) {
      return false;
    }
    long now = nanoTime.getAsLong();
    synchronized (buckets) {
      Bucket b = buckets.computeIfAbsent(ip, k -> new Bucket(perHour, now));
      b.tokens = Math.min(perHour, b.tokens + (double) (now - b.refilledAt) * perHour / HOUR_NANOS);
      b.refilledAt = now;
      if (b.tokens < 1) {
        return false;
      }
      b.tokens -= 1;
      return true;
    }
  }
}

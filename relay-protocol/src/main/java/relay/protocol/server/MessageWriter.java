package relay.protocol.server;

import java.io.IOException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.util.ByteString;

/**
 * One message on its way into the spool. The stage calls {@link #write} with the amended message
 * (trace header first, CRLF line ends, dot-unstuffed) in order, then exactly one of
 * {@link #commit} or {@link #abort}; {@code abort} may also follow a failed write or commit.
 * All calls come from the connection's stage, one at a time; {@code commit}'s stage may complete
 * on any thread.
 */
public interface MessageWriter {

  String queueId();

  /** Appends amended message bytes. Should not block for long: it runs on the stream's thread. */
  void write(ByteString chunk) throws IOException;

  /** Completes only when the message is durable and enqueued; only then the client gets 250. */
  CompletionStage<Done> commit(Envelope envelope);

  /** Discards the message; idempotent. */
  void abort();
}

package relay.protocol.server;

import java.io.IOException;

/**
 * Port implemented by the node: where accepted messages go (spool plus durable enqueue). One
 * {@link MessageWriter} per message, opened when the client starts sending content (DATA or the
 * first BDAT chunk) and either committed or aborted.
 */
public interface MessageSink {
  /** A new queue id and a new spool entry. Throwing makes the session answer 451 4.3.0. */
  MessageWriter begin() throws IOException;
}

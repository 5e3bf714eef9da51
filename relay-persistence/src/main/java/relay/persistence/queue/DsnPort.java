package relay.persistence.queue;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Port for delivery status notifications, implemented by the node: builds the DSN message
 * (RFC 3464, from the spooled original's headers) and enqueues it as a new message from the null
 * sender. Completes once that new message is durable; a failed stage is retried by the queue.
 * Never called for a message whose own sender is the null sender (RFC 5321 §4.5.5).
 */
public interface DsnPort {
  CompletionStage<Done> submit(DsnRequest request);
}

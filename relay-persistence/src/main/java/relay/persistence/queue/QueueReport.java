package relay.persistence.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import relay.persistence.CborSerializable;
import relay.persistence.queue.DeliveryQueue.OperatorHold;

/**
 * What one sub-queue holds, for operators (reply to {@code DeliveryQueue.Inspect}).
 *
 * @param domain the destination domain
 * @param subQueue which of the domain's sub-queues ({@link SubQueueId})
 * @param pendingMessages messages with at least one recipient not yet done
 * @param pendingRecipients recipients over all pending messages
 * @param deferredMessages pending messages attempted at least once
 * @param inFlight messages being attempted now
 * @param oldest when the oldest pending message was received
 * @param lastFailure the newest 4xx/5xx reply of an attempt
 * @param hold the operator's hold, if the queue is held
 * @param messages the first pending messages, oldest first, as many as were asked for
 */
public record QueueReport(String domain, int subQueue, int pendingMessages,
    long pendingRecipients, int deferredMessages, int inFlight, Optional<Instant> oldest,
    Optional<RecordedReply> lastFailure, Optional<OperatorHold> hold,
    List<PendingMessage> messages) implements CborSerializable {

  public QueueReport {
    messages = List.copyOf(messages);
  }

  /** Holds nothing and is not held: not worth listing. */
  public boolean idle() {
    return pendingMessages == 0 && hold.isEmpty();
  }
}

package relay.persistence.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import relay.persistence.queue.DeliveryQueue.OperatorHold;

/**
 * The queue of one destination domain over all its sub-queues on every node (see {@link
 * QueueService}).
 *
 * @param domain the destination domain
 * @param messages pending messages
 * @param recipients pending recipients
 * @param deferred pending messages attempted at least once
 * @param inFlight messages being attempted now
 * @param oldest when the oldest pending message was received
 * @param lastFailure the newest 4xx/5xx reply seen by any sub-queue (by sub-queue: the first
 *     sub-queue's that has one)
 * @param hold the operator's hold (any sub-queue held counts)
 * @param subQueues how many sub-queues answered
 * @param shaping the shaping in force for the domain
 * @param firstMessages the first pending messages asked for, oldest first
 */
public record DestinationQueue(String domain, int messages, long recipients, int deferred,
    int inFlight, Optional<Instant> oldest, Optional<RecordedReply> lastFailure,
    Optional<OperatorHold> hold, int subQueues, ShapingSettings shaping,
    List<PendingMessage> firstMessages) {

  public DestinationQueue {
    firstMessages = List.copyOf(firstMessages);
  }
}

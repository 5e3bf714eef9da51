package relay.persistence.queue;

import java.time.Instant;
import java.util.Optional;
import relay.persistence.CborSerializable;

/**
 * What one destination queue holds right now (reply to {@code DeliveryQueue.GetStatus}).
 *
 * @param domain the destination domain
 * @param subQueue which of the domain's sub-queues this is (0 for a domain in one queue; entity id
 *     in {@link SubQueueId})
 * @param draining whether this sub-queue is no longer configured and only delivers what it holds
 * @param pendingMessages messages with at least one recipient not yet delivered, bounced or expired
 * @param pendingRecipients recipients over all pending messages
 * @param inFlight messages handed to a delivery worker whose outcome is not yet persisted
 * @param connectionsOpen delivery workers (each holds at most one outbound connection)
 * @param pendingDsns DSNs decided but not yet handed to the DSN port
 * @param oldest when the oldest pending message was received, empty if none
 */
public record QueueStatus(String domain, int subQueue, boolean draining, int pendingMessages,
    long pendingRecipients, int inFlight, int connectionsOpen, int pendingDsns,
    Optional<Instant> oldest) implements CborSerializable {}

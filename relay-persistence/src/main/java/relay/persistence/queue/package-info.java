/**
 * Delivery queues: one event-sourced, sharded {@link relay.persistence.queue.DeliveryQueue} per
 * destination domain owns every pending message to that domain and decides when each is attempted
 * (destination shaping, retry schedule, lifetime), what a reply means (2xx delivered, 4xx
 * deferred, 5xx bounced; RFC 5321 §4.2.1) and when the sender gets a DSN (RFC 3464: failed, or
 * delayed once; never for the null sender, RFC 5321 §4.5.5). A hot domain may be spread over
 * several such entities, its sub-queues ({@link relay.persistence.queue.SubQueueId}), each with
 * its share of the domain's limits.
 *
 * <p>Ports implemented by the node: {@link relay.persistence.queue.DeliveryTransport} (MX lookup
 * and SMTP client, blocking, called by {@link relay.persistence.queue.DeliveryWorker} children on
 * the delivery dispatcher), {@link relay.persistence.queue.DsnPort}, the spool and a clock, all in
 * {@link relay.persistence.queue.DeliveryPorts}. The node enqueues through {@link
 * relay.persistence.queue.QueueGateway}, which picks the sub-queue of each message and groups
 * enqueues per queue into one journal write.
 *
 * <p>Operators steer the queues through {@link relay.persistence.queue.QueueService} (the HTTP
 * API's backend, per destination domain over all its sub-queues on every node: {@link
 * relay.persistence.queue.ShardedQueueService} asks each node's {@link
 * relay.persistence.queue.QueueDirectory}): inspect, hold and release (persisted; a held queue
 * attempts nothing but still takes new mail), retry now, bounce with DSNs ({@link
 * relay.persistence.queue.QueueControl}); each action is audited in the registry.
 *
 * <p>Settings: {@link relay.persistence.queue.QueueSettings} from {@code relay.queue} (see this
 * module's {@code reference.conf}).
 *
 * <p>Bad input: invalid enqueues are answered with an error and persist nothing; transport and
 * spool failures become per-recipient replies, never actor failures; a journal failure restarts
 * the queue with backoff and it resumes from its events.
 */
package relay.persistence.queue;

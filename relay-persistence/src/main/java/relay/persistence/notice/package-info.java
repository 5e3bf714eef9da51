/**
 * Notices to clients' contacts (issue 11): when a client, one of its addresses or one of its
 * sender domains is blocked or unblocked (added, removed, expired), when its messages to a
 * destination have waited past relay.notices.delay-threshold, and the operator's announcements.
 *
 * <p>Where each is decided, once in the cluster: the {@link
 * relay.persistence.notice.NoticeEntity}, one event-sourced entity run as a Cluster Singleton,
 * is told by the registry entity (itself a singleton, {@link
 * relay.persistence.registry.BlockListener}) of each block change with the clients it concerns,
 * by the delivery queues ({@link relay.persistence.queue.DelayWatch}, the queues own the
 * messages and so know their age and last reply) of clients whose messages wait, and by the API
 * ({@link relay.persistence.notice.NoticeService}) of announcements. It keeps, persisted, when
 * each client and destination last had a delay notice (one per relay.notices.delay-period, 24h by
 * default, however many queues, sub-queues or nodes report it) and the notices not yet handed to
 * the node's {@link relay.persistence.notice.NoticePort}, which renders each one and submits it
 * through the relay's own queue (at least once: a crash after the submission and before its
 * event sends that notice again).
 *
 * <p>Known compromises: a block change is told to the notices entity after the registry
 * persisted it, without an acknowledgement, so a crash or a move of either singleton in between
 * loses that notice (XXX: a journal projection of the registry's events would make it at least
 * once). A delay notice counts the messages of the queue that reported first; with a domain in
 * several sub-queues, it counts that sub-queue's share.
 */
package relay.persistence.notice;

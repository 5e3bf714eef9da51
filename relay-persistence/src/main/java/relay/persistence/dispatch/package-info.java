/**
 * Thread pools for the node's blocking work. {@link relay.persistence.dispatch.ElasticThreadPool}
 * starts a thread only when no idle one can take the task, up to a cap, and lets idle threads
 * end: the delivery dispatcher can allow many threads (one per outbound connection, and some
 * destinations are slow or hostile on purpose) without keeping them when they are not needed.
 */
package relay.persistence.dispatch;

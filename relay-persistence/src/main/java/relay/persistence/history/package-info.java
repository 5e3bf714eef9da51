/**
 * The message history (issue 11): every accepted message's envelope, client and size, and every
 * outcome of its delivery with the remote reply, kept in the relay's database (H2 or the
 * cluster's shared PostgreSQL, {@link relay.persistence.history.HistoryTables}) for
 * relay.history.retention (30 days), searchable by client, sender, recipient and time.
 *
 * <p>Written off the acceptance path: the acceptance and the queues hand small entries to a
 * {@link relay.persistence.history.MessageHistory}, whose {@link
 * relay.persistence.history.HistoryWriter} buffers them (bounded) and writes them in batches from
 * one background thread; a full buffer drops entries (counted, warned) rather than slow mail, so
 * the history is best effort. Each node writes the rows of what it saw (acceptances on the node
 * that took the message, outcomes on the node owning the queue), so any node answers for all.
 * Reads ({@link relay.persistence.history.MessageHistoryReader}) run on an I/O executor.
 */
package relay.persistence.history;

/**
 * Cluster-wide hourly and daily recipient quotas of registered clients, and their bulk notices.
 *
 * <ul>
 *   <li>{@link relay.persistence.quota.QuotaEntity}: one per client, sharded by client id,
 *       persisted; counts per fixed UTC hour and day window what it leased to nodes, keeps the
 *       client's bulk notices and raises the quotas of the windows a raising notice overlaps.
 *   <li>{@link relay.persistence.quota.QuotaLedger}: one per client on each node; spends the
 *       node's lease at RCPT without I/O and asks for the next one in the background.
 *   <li>{@link relay.persistence.quota.QuotaLeases}: the node's entry point (one per node).
 *   <li>{@link relay.persistence.quota.BulkNoticeService}: the port the HTTP API calls.
 * </ul>
 *
 * <p>Accuracy: recipients are counted when accepted at RCPT. From leases the nodes together
 * accept at most the quota; each node may accept up to relay.quotas.max-borrow more per window
 * while a lease is on its way (the documented over-grant). Leases granted but not spent (a node
 * that stops, a lost answer) count until their window ends: the error is on the side of fewer
 * recipients, never more. The 452 4.5.3 reply says when the exhausted window resets.
 */
package relay.persistence.quota;

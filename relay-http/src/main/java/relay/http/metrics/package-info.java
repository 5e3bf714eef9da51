/**
 * {@code GET /metrics}: the node's metrics in the Prometheus text exposition format 0.0.4,
 * written by the Prometheus Java client (prometheus-metrics-core and -exposition-textformats).
 *
 * <p>What is counted, each per node (Prometheus sums over the nodes): messages and recipients
 * accepted over SMTP, SMTP refusals by reason (a fixed set, {@code
 * relay.protocol.server.RefusalReason}, the same names as the event log's refused lines),
 * recipients delivered, deferred, bounced and expired by this node's queues, the SMTP sessions
 * open now, the time from the end of a message's data to its 250 as a histogram, and the depth of
 * each destination's queues on this node. The hot paths only add to striped lock-free counters
 * created at start (no label lookup, no allocation, no lock); the gauges are read at scrape time,
 * the queue depths by asking this node's queues ({@link relay.http.metrics.LocalQueues}).
 *
 * <p>Auth: a bearer token of role admin or viewer (relay.http.metrics.require-token, default
 * on); 401 and 403 are problem+json as for the API.
 */
package relay.http.metrics;

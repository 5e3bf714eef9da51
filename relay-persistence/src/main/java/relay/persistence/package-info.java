/**
 * The durable model of the relay: what happens to an accepted message and when.
 *
 * <ul>
 *   <li>{@link relay.persistence.spool} holds message bodies (files or database blobs), written
 *       once, referenced by queue id and destination domain, removed after the last domain.
 *   <li>{@link relay.persistence.queue} holds the event-sourced {@code DeliveryQueue} entity (one
 *       per destination domain), its settings, the ports the node implements (transport, DSN) and
 *       the enqueue gateway that batches writes per domain.
 *   <li>{@link relay.persistence.client} counts each registered client's concurrent SMTP
 *       sessions across the cluster (sharded {@code ClientEntity}, one slot holder per node;
 *       nothing persisted).
 *   <li>{@link relay.persistence.log} writes the structured per-message event log.
 * </ul>
 *
 * <p>Everything that crosses an entity boundary or is persisted implements {@link
 * relay.persistence.CborSerializable}; {@code reference.conf} binds it to Jackson CBOR.
 */
package relay.persistence;

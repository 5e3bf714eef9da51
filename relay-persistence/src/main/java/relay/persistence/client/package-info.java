/**
 * Cluster-wide limits on the concurrent SMTP sessions of each registered client.
 *
 * <ul>
 *   <li>{@link relay.persistence.client.SessionSlotHolder}: one per node; owns the slots of the
 *       node's own connections and is the truth about them.
 *   <li>{@link relay.persistence.client.ClientEntity}: one per client, sharded by client name;
 *       the exact cluster-wide count, rebuilt from the holders' reports whenever it starts, and
 *       freed of a holder's slots when the holder's node leaves the cluster.
 *   <li>{@link relay.persistence.client.ClientSessions}: the node's entry point, one ask per new
 *       connection and one tell per release.
 * </ul>
 *
 * <p>Nothing here is persisted: sessions die with their node, and the holders that hold them are
 * enough to rebuild every count. A limit answers with a precise reply at the SMTP layer
 * ("421 4.4.5" for too many sessions, "421 4.3.0" when no verdict came in time).
 */
package relay.persistence.client;

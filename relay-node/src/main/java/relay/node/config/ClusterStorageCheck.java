package relay.node.config;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;

/**
 * Refuses at start the storage a cluster of several nodes would lose mail with. In a cluster any
 * node may own a destination's queue, and the queues of a node that stops restart on the others,
 * so every node must read every journal event and every body:
 *
 * <ul>
 *   <li>{@code relay.storage.kind = h2}: the journal is a file of this node, which no other node
 *       reads; two nodes would each run the same queues from their own journals.
 *   <li>{@code relay.storage.spool = file} with PostgreSQL: the bodies this node accepted stay on
 *       its disk; the queue's owner on another node cannot deliver them, and they are gone with
 *       the node's volume.
 * </ul>
 */
final class ClusterStorageCheck {

  private ClusterStorageCheck() {}

  /**
   * Whether this node may have peers: {@code relay.cluster.min-members} above 1, or a seed node
   * (from relay.cluster.seed-nodes or RELAY_SEED_NODES) other than this node's own address
   * ({@code pekko://relay@<relay.cluster.host>:<relay.cluster.port>}). A node that lists only
   * itself, or no seed, forms a cluster of one.
   */
  record Membership(String host, int port, List<String> seeds, int minMembers) {

    static Membership fromConfig(Config cluster) {
      return new Membership(cluster.getString("host"), cluster.getInt("port"),
          cluster.getStringList("seed-nodes"), cluster.getInt("min-members"));
    }

    boolean severalNodes() {
      if (minMembers > 1) {
        return true;
      }
      for (String seed : seeds) {
        Address address;
        try {
          address = AddressFromURIString.parse(seed);
        } catch (Exception e) { // MalformedURLException, thrown undeclared by Scala code
          throw new IllegalArgumentException("relay.cluster.seed-nodes: \"" + seed
              + "\" is not a cluster address like pekko://relay@10.0.0.1:25520");
        }
        boolean self = address.getHost().map(host::equalsIgnoreCase).orElse(false)
            && address.getPort().map(p -> p == port).orElse(false);
        if (!self) {
          return true;
        }
      }
      return false;
    }
  }

  static void check(Membership cluster, StorageSettings storage) {
    if (!cluster.severalNodes()) {
      return;
    }
    String why = "this node is configured for a cluster of several nodes (relay.cluster."
        + "min-members = " + cluster.minMembers() + ", seed nodes " + cluster.seeds() + ")";
    if (storage.kind() == StorageSettings.Kind.H2) {
      throw new IllegalArgumentException("relay.storage.kind = h2 keeps the queues in this "
          + "node's own file, which the other nodes cannot read, and " + why
          + ": set relay.storage.kind = postgres");
    }
    if (storage.spool() == StorageSettings.SpoolKind.FILE) {
      throw new IllegalArgumentException("relay.storage.spool = file keeps message bodies on this "
          + "node's disk, where the other nodes cannot deliver them and where they are lost with "
          + "the node, and " + why + ": set relay.storage.spool = database (or auto)");
    }
  }
}

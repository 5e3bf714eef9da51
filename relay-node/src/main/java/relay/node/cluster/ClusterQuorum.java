package relay.node.cluster;

import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Whether this node may take mail now: it is an Up member and, among the members the Split Brain
 * Resolver counts (Up, Leaving, Exiting), it reaches a majority, itself included. A node on the
 * minority side of a partition is about to be downed, and its view of who owns which queue is
 * stale; it refuses messages ({@code 451 4.4.0}) instead of queueing them there.
 *
 * <p>Reads the cluster's last published state (no messages, no locks); cheap enough for every
 * message.
 */
public final class ClusterQuorum implements BooleanSupplier {

  private final Cluster cluster;

  public ClusterQuorum(ActorSystem<?> system) {
    this.cluster = Cluster.get(system);
  }

  @Override
  public boolean getAsBoolean() {
    if (cluster.selfMember().status() != MemberStatus.up()) {
      return false;
    }
    CurrentClusterState state = cluster.state();
    int members = 0;
    for (Member m : state.getMembers()) {
      if (counts(m)) {
        members++;
      }
    }
    int unreachable = 0;
    for (Member m : state.getUnreachable()) {
      if (counts(m)) {
        unreachable++;
      }
    }
    return 2 * (members - unreachable) > members;
  }

  private static boolean counts(Member m) {
    MemberStatus s = m.status();
    return s == MemberStatus.up() || s == MemberStatus.leaving() || s == MemberStatus.exiting();
  }
}

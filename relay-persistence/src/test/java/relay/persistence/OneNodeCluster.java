package relay.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;

/**
 * An ActorSystem "relay" that is a cluster of one on a loopback port chosen by the system, with
 * the in-memory journal: what the singletons and replicated views run on in tests.
 */
public final class OneNodeCluster {

  private OneNodeCluster() {}

  /** The test kit of a new system; not joined yet (start what must exist before, then join). */
  public static ActorTestKit create() {
    return ActorTestKit.create("relay", ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        """).withFallback(PersistenceTestKitPlugin.getInstance().config())
        .withFallback(ConfigFactory.load()));
  }

  /** Joins {@code testKit}'s system to itself and waits until it is Up. */
  public static void join(ActorTestKit testKit) {
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
  }
}

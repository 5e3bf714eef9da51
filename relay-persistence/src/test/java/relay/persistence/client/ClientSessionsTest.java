package relay.persistence.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import relay.protocol.server.SessionSlot;

/**
 * The node's entry point as the node runs it: Cluster Sharding in a cluster of one. Before the
 * node has joined, no verdict can come: acquire fails after acquire-timeout and the slot granted
 * later is given back, so the count stays exact once the cluster is up.
 */
class ClientSessionsTest {

  final ActorTestKit testKit = ActorTestKit.create("ClientSessionsTest", ConfigFactory.parseString("""
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.loglevel = WARNING
      """).withFallback(ConfigFactory.load()));
  final ClientSessions sessions = ClientSessions.start(testKit.system(),
      new ClientSessionSettings(Duration.ofMillis(500), Duration.ofMillis(200), 100));

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  Optional<SessionSlot> acquire(int max) throws Exception {
    return sessions.acquire("app", max).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  ClientEntity.SessionCount count() throws Exception {
    TestProbe<ClientEntity.SessionCount> probe = testKit.createTestProbe();
    ClusterSharding.get(testKit.system()).entityRefFor(ClientEntity.TYPE_KEY, "app")
        .tell(new ClientEntity.GetSessionCount(probe.ref()));
    return probe.expectMessageClass(ClientEntity.SessionCount.class, Duration.ofSeconds(20));
  }

  @Test
  void noVerdictInTimeFailsAndTheLateGrantIsGivenBack() throws Exception {
    long start = System.nanoTime();
    ExecutionException e = assertThrows(ExecutionException.class, () -> acquire(2));
    assertInstanceOf(ClientSessions.SlotUnavailableException.class, e.getCause());
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(450).toNanos());

    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    assertEquals(new ClientEntity.SessionCount(0, 0), count(), "the late grant was released");

    SessionSlot first = acquire(2).orElseThrow();
    acquire(2).orElseThrow();
    assertEquals(Optional.empty(), acquire(2));
    assertEquals(new ClientEntity.SessionCount(2, 1), count());

    first.release();
    first.release(); // a second call changes nothing
    SessionSlot third = acquire(2).orElseThrow(); // same path as the release: in order
    assertEquals(Optional.empty(), acquire(2));
    third.release(); // a tell through the holder: the count learns it a moment later
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    ClientEntity.SessionCount count = count();
    while (count.open() != 1 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      count = count();
    }
    assertEquals(new ClientEntity.SessionCount(1, 1), count);
  }
}

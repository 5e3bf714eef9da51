package relay.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import relay.persistence.CborSerializable;

/**
 * When a node's view is complete: only once every bucket has arrived, however much of the
 * registry the first buckets already show; and on a fresh registry with nothing in it, once the
 * recovered entity has published (it writes every bucket, empty ones too).
 */
class ReplicatedRegistryViewTest {

  private ActorTestKit testKit;

  private ActorTestKit oneNodeCluster(String name) {
    testKit = ActorTestKit.create(name, ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        """).withFallback(PersistenceTestKitPlugin.getInstance().config())
        .withFallback(ConfigFactory.load()));
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
    return testKit;
  }

  @AfterEach
  void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
  }

  private static ClientRecord client(String id, String ip) {
    return new ClientRecord(new ClientId(id), id, List.of("ops@" + id + ".example"),
        List.of(new ClientAddress(ip, AddressRole.PRODUCTION)), List.of(), ClientLimits.DEFAULTS,
        ClientState.ACTIVE, Optional.empty(), ClientOrigin.API);
  }

  /** Puts {@code entry} (or nothing) into bucket {@code bucket}, on this node only. */
  private void write(int bucket, String entryKey, CborSerializable entry) {
    SelfUniqueAddress self = DistributedData.get(testKit.system()).selfUniqueAddress();
    TestProbe<Replicator.UpdateResponse<LWWMap<String, CborSerializable>>> probe =
        testKit.createTestProbe();
    DistributedData.get(testKit.system()).replicator().tell(new Replicator.Update<>(
        RegistryPublisher.KEYS.get(bucket), LWWMap.empty(), Replicator.writeLocal(), probe.ref(),
        map -> entry == null ? map : map.put(self, entryKey, entry)));
    probe.expectMessageClass(Replicator.UpdateSuccess.class);
  }

  @Test
  void theViewIsCompleteOnlyOnceEveryBucketHasArrived() {
    oneNodeCluster("view-buckets");
    ReplicatedRegistryView view = ReplicatedRegistryView.start(testKit.system());
    assertFalse(view.complete(), "empty at start");
    String entry = "c:shop";
    int shopBucket = RegistryPublisher.bucket(entry);
    write(shopBucket, entry, client("shop", "192.0.2.10"));
    for (int b = 0; b < RegistryPublisher.BUCKETS; b++) {
      if (b != shopBucket && b != (shopBucket + 1) % RegistryPublisher.BUCKETS) {
        write(b, null, null);
      }
    }
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertTrue(view.current().clientByAddress("192.0.2.10").isPresent());
      return null;
    });
    long until = System.nanoTime() + 500_000_000L;
    while (System.nanoTime() < until) {
      assertFalse(view.complete(), "63 of 64 buckets: not complete, whatever it shows");
      Thread.onSpinWait();
    }
    long start = System.nanoTime();
    write((shopBucket + 1) % RegistryPublisher.BUCKETS, null, null);
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertTrue(view.complete());
      return null;
    });
    System.out.printf("view complete %d ms after the last bucket was written%n",
        (System.nanoTime() - start) / 1_000_000);
    assertEquals("shop", view.current().clientByAddress("192.0.2.10").orElseThrow().id().value());
  }

  @Test
  void aFreshEmptyRegistryMakesTheViewCompleteOnceTheEntityPublished() {
    oneNodeCluster("view-fresh");
    long start = System.nanoTime();
    Registry registry = Registry.start(testKit.system(), List.of());
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
      assertTrue(registry.view().complete());
      return null;
    });
    System.out.printf("empty registry: view complete %d ms after Registry.start%n",
        (System.nanoTime() - start) / 1_000_000);
    assertEquals(List.of(), registry.view().current().clients());
  }
}

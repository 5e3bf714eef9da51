package relay.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.persistence.queue.ShardedQueues;

/**
 * Two nodes in one JVM (two ActorSystems, Artery on 127.0.0.1, one H2 journal file): a change
 * made on one node is in the other's view within a second (measured and printed), and after
 * both stop and start again on the same file the views fill again from the journal.
 */
class RegistryClusterTest {

  static final Duration SECOND = Duration.ofSeconds(1);

  @TempDir Path dir;

  record Node(ActorTestKit kit, Registry registry) {
    RegistrySnapshot view() {
      return registry.view().current();
    }
  }

  Config config() {
    return ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        """).withFallback(ShardedQueues.h2Store(ShardedQueues.journalUrl(dir)))
        .withFallback(ConfigFactory.load());
  }

  /** Starts a node with the registry and joins it to {@code seed} (itself when empty). */
  Node start(Optional<Address> seed, List<ClientRecord> configured) throws Exception {
    ActorTestKit kit = ActorTestKit.create("relay", config());
    SchemaUtils.createIfNotExists(kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    Registry registry = Registry.start(kit.system(), configured);
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(seed.orElse(cluster.selfMember().address())));
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
    return new Node(kit, registry);
  }

  static Address address(Node node) {
    return Cluster.get(node.kit().system()).selfMember().address();
  }

  /** Waits until {@code node}'s view satisfies {@code condition}; returns how long it took. */
  static Duration until(Node node, Predicate<RegistrySnapshot> condition, Duration max,
      long startNanos) throws InterruptedException {
    long deadline = startNanos + max.toNanos();
    while (!condition.test(node.view())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not in the view within " + max + ": " + node.view()
            + " " + node.view().clients() + " " + node.view().blocks());
      }
      Thread.sleep(2);
    }
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  static <T> T ok(java.util.concurrent.CompletionStage<RegistryResult<T>> stage)
      throws Exception {
    RegistryResult<T> result = stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    return assertInstanceOf(RegistryResult.Ok.class, result, result::toString) instanceof
        RegistryResult.Ok<?> ok ? (T) ok.value() : null;
  }

  @Test
  void changesReachTheOtherNodeWithinASecondAndSurviveAFullRestart() throws Exception {
    ClientRecord copier = Registry.configured("Copier 3", List.of("192.0.2.7"), 5,
        "postmaster@localhost");
    Node a = start(Optional.empty(), List.of(copier));
    Node b = start(Optional.of(address(a)), List.of());
    try {
      Duration imported = until(b, s -> s.client(ClientId.of("copier-3")).isPresent(),
          Duration.ofSeconds(20), System.nanoTime());
      System.out.println("registry: configured client in node B's view " + imported.toMillis()
          + " ms after B was up");

      long t0 = System.nanoTime();
      Block block = ok(a.registry().service().addBlock(BlockKind.IP, "192.0.2.66", "abuse",
          Optional.empty(), "alice"));
      Duration seen = until(b, s -> s.activeBlock(BlockKind.IP, "192.0.2.66", Instant.now())
          .isPresent(), SECOND, t0);
      System.out.println("registry: block added on node A in node B's view after "
          + seen.toMillis() + " ms");
      assertTrue(a.view().block(block.id()).isPresent(), "read-your-writes on node A");

      ClientRecord shop = RegistryModelTest.client("shop", List.of(
          new ClientAddress("2001:db8::5", AddressRole.PRODUCTION)));
      t0 = System.nanoTime();
      ok(b.registry().service().createClient(shop, "bob"));
      seen = until(a, s -> s.clientByAddress("2001:db8::5").isPresent(), SECOND, t0);
      System.out.println("registry: client created on node B in node A's view after "
          + seen.toMillis() + " ms");

      Block gone = ok(a.registry().service().addBlock(BlockKind.SENDER_DOMAIN, "spam.example",
          "spam", Optional.empty(), "alice"));
      t0 = System.nanoTime();
      ok(b.registry().service().removeBlock(gone.id(), "bob"));
      seen = until(a, s -> s.block(gone.id()).isEmpty(), SECOND, t0);
      System.out.println("registry: block removed on node B gone from node A's view after "
          + seen.toMillis() + " ms");
    } finally {
      ActorTestKit.shutdown(b.kit().system(), Duration.ofSeconds(30), true);
      ActorTestKit.shutdown(a.kit().system(), Duration.ofSeconds(30), true);
    }

    long restart = System.nanoTime();
    Node a2 = start(Optional.empty(), List.of());
    Node b2 = start(Optional.of(address(a2)), List.of());
    try {
      assertTrue(b2.view().isEmpty() || b2.view().client(ClientId.of("shop")).isPresent());
      Duration filled = until(b2, s -> s.activeBlock(BlockKind.IP, "192.0.2.66", Instant.now())
          .isPresent() && s.clientByAddress("2001:db8::5").isPresent()
          && s.client(ClientId.of("copier-3")).isPresent(), Duration.ofSeconds(30), restart);
      System.out.println("registry: after a full restart node B's view is whole "
          + filled.toMillis() + " ms after the first node started");
      assertEquals(List.of("b1"), b2.view().blocks().stream().map(Block::id).toList());
      List<AuditEntry> audit = ok(b2.registry().service().audit(10));
      assertEquals(List.of("block-removed", "block-added", "client-created", "block-added",
          "client-imported"), audit.stream().map(AuditEntry::action).toList());
    } finally {
      ActorTestKit.shutdown(b2.kit().system(), Duration.ofSeconds(30), true);
      ActorTestKit.shutdown(a2.kit().system(), Duration.ofSeconds(30), true);
    }
  }
}

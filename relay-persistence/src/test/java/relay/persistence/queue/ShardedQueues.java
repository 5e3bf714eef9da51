package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import relay.persistence.spool.FileSpool;

/**
 * The queues as the node runs them, for tests: Cluster Sharding (a cluster of one) with
 * remember-entities in the event-sourced store and the JDBC journal on an H2 file, plus ways to
 * look at what the journal, the spool and the shard region hold.
 */
public final class ShardedQueues {

  private ShardedQueues() {}

  /** Node configuration on the H2 file {@code jdbcUrl}, fast retries, {@code relayQueue} on top. */
  static Config config(String jdbcUrl, String relayQueue) {
    return ConfigFactory.parseString(relayQueue).withFallback(ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.cluster.sharding {
          remember-entities = on
          remember-entities-store = eventsourced
          number-of-shards = 10
        }
        relay.queue {
          retry { initial = 300ms, max-interval = 300ms }
          delay-warning = off
          passivate-after-idle = 300ms
          gateway { max-batch-size = 100, max-backlog = 1000, ask-timeout = 20s }
        }
        """)).withFallback(h2Store(jdbcUrl)).withFallback(ConfigFactory.load());
  }

  /** The JDBC URL of a durable H2 journal file under {@code dir}. */
  public static String journalUrl(Path dir) {
    return "jdbc:h2:file:" + dir.resolve("journal") + ";WRITE_DELAY=0";
  }

  /** The JDBC journal, snapshot and durable-state stores on the H2 database {@code jdbcUrl}. */
  public static Config h2Store(String jdbcUrl) {
    return ConfigFactory.parseString("""
        pekko.persistence {
          journal.plugin = "jdbc-journal"
          snapshot-store.plugin = "jdbc-snapshot-store"
          state.plugin = "jdbc-durable-state-store"
        }
        jdbc-journal.use-shared-db = "slick"
        jdbc-snapshot-store.use-shared-db = "slick"
        jdbc-read-journal.use-shared-db = "slick"
        jdbc-durable-state-store.use-shared-db = "slick"
        pekko-persistence-jdbc.shared-databases.slick {
          profile = "slick.jdbc.H2Profile$"
          db {
            url = "%s"
            user = "sa", password = "", driver = "org.h2.Driver"
            numThreads = 4, maxConnections = 4, minConnections = 1
          }
        }
        """.formatted(jdbcUrl));
  }

  /** The relay.queue settings of a node's configuration. */
  static QueueSettings settings(Config config) {
    return QueueSettings.fromConfig(config.getConfig("relay.queue"));
  }

  /** Starts a node on {@code config} with the queues' sharding initialized and waits until Up. */
  static ActorTestKit startNode(String name, Config config, DeliveryPorts ports) throws Exception {
    ActorTestKit kit = ActorTestKit.create(name, config);
    SchemaUtils.createIfNotExists(kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    DeliveryQueue.init(kit.system(), settings(kit.system().settings().config()), ports);
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
    return kit;
  }

  /** Entity ids of the queues running on the node. */
  static Set<String> liveEntities(ActorTestKit kit) {
    var probe = kit.<ShardRegion.CurrentShardRegionState>createTestProbe();
    ClusterSharding.get(kit.system()).shardState()
        .tell(new GetShardRegionState(DeliveryQueue.TYPE_KEY, probe.getRef()));
    Set<String> ids = new HashSet<>();
    probe.receiveMessage(Duration.ofSeconds(5)).getShards()
        .forEach(s -> ids.addAll(s.getEntityIds()));
    return ids;
  }

  /** Files under a file spool holding bodies (released files kept for reuse are not). */
  static long storedBodies(Path spoolDir) throws Exception {
    try (Stream<Path> files = Files.walk(spoolDir)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(spoolDir.resolve(FileSpool.FREE_DIRECTORY))).count();
    }
  }

  /** Events of one type in the journal (the manifest is the event's class name). */
  static int journalEvents(String jdbcUrl, String persistenceId, Class<?> type) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM \"event_journal\""
            + " WHERE \"persistence_id\" = ? AND \"event_ser_manifest\" = ?")) {
      ps.setString(1, persistenceId);
      ps.setString(2, type.getName());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}

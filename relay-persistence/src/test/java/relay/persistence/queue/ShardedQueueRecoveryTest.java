package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.persistence.spool.FileSpool;
import relay.protocol.reply.SmtpReply;

/**
 * The queue as the node runs it: Cluster Sharding (a cluster of one) with remember-entities in
 * the event-sourced store, the JDBC journal on an H2 file. Messages enqueued through the gateway
 * and deferred in a first actor system are delivered by a second one started on the same file,
 * with no command sent: the remembered queues restart and resume their due work.
 */
class ShardedQueueRecoveryTest {

  @TempDir Path dir;

  Config config(String jdbcUrl) {
    return ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.cluster.sharding {
          remember-entities = on
          remember-entities-store = eventsourced
          number-of-shards = 10
        }
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
        relay.queue {
          retry { initial = 300ms, max-interval = 300ms }
          delay-warning = off
          passivate-after-idle = 300ms
        }
        """.formatted(jdbcUrl)).withFallback(ConfigFactory.load());
  }

  ActorTestKit startNode(String name, Config config, DeliveryPorts ports) throws Exception {
    ActorTestKit kit = ActorTestKit.create(name, config);
    SchemaUtils.createIfNotExists(kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    DeliveryQueue.init(kit.system(),
        QueueSettings.fromConfig(kit.system().settings().config().getConfig("relay.queue")), ports);
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
    return kit;
  }

  static java.util.Set<String> liveEntities(ActorTestKit kit) {
    var probe = kit.<ShardRegion.CurrentShardRegionState>createTestProbe();
    ClusterSharding.get(kit.system()).shardState()
        .tell(new GetShardRegionState(DeliveryQueue.TYPE_KEY, probe.getRef()));
    java.util.Set<String> ids = new java.util.HashSet<>();
    probe.receiveMessage(Duration.ofSeconds(5)).getShards().forEach(s -> ids.addAll(s.getEntityIds()));
    return ids;
  }

  static long storedBodies(Path spoolDir) throws Exception {
    try (Stream<Path> files = Files.walk(spoolDir)) {
      return files.filter(Files::isRegularFile).count();
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

  @Test
  void deferredMailIsDeliveredAfterAFullRestartWithNoNewCommand() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("journal") + ";WRITE_DELAY=0";
    Path spoolDir = dir.resolve("spool");
    FileSpool spool = new FileSpool(spoolDir, true, Runnable::run);
    Config config = config(url);

    // first life: the destination does not answer; 30 messages go through the gateway at once
    FakeTransport down = new FakeTransport();
    down.connectFailure = SmtpReply.of(451, "4.4.1", "No answer from any MX host");
    RecordingDsnPort dsn = new RecordingDsnPort();
    ActorTestKit first = startNode("relay", config,
        new DeliveryPorts(down, spool, dsn, Clock.systemUTC()));
    List<CompletionStage<Done>> acks = new ArrayList<>();
    try {
      QueueGateway gateway = new QueueGateway(first.system(),
          new GatewaySettings(100, 1000, Duration.ofSeconds(20)));
      for (int i = 0; i < 30; i++) {
        TestQueues.spool(spool, "QS" + i, "busy.example");
      }
      for (int i = 0; i < 30; i++) {
        acks.add(gateway.enqueue("busy.example",
            TestQueues.message("QS" + i, "s@x.example", "a" + i + "@busy.example")));
      }
      for (CompletionStage<Done> ack : acks) {
        ack.toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      int batches = journalEvents(url, "DeliveryQueue|busy.example", DeliveryQueue.MessagesEnqueued.class);
      assertTrue(batches >= 1 && batches <= 3, "30 enqueues in " + batches + " journal writes");
      first.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
        assertTrue(journalEvents(url, "DeliveryQueue|busy.example",
            DeliveryQueue.RecipientsDeferred.class) >= 30, "every message deferred at least once");
        return null;
      });
    } finally {
      ActorTestKit.shutdown(first.system(), Duration.ofSeconds(30), true);
    }
    assertEquals(30, storedBodies(spoolDir));

    // second life on the same database: nobody sends anything, the queue comes back by itself
    FakeTransport up = new FakeTransport();
    ActorTestKit second = startNode("relay", config,
        new DeliveryPorts(up, spool, dsn, Clock.systemUTC()));
    try {
      second.createTestProbe().awaitAssert(Duration.ofSeconds(30), () -> {
        assertEquals(30, up.transactions.size());
        assertEquals(0, storedBodies(spoolDir));
        return null;
      });
      assertTrue(dsn.requests.isEmpty());
      second.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
        assertTrue(liveEntities(second).isEmpty(), "the emptied queue passivated itself");
        return null;
      });
    } finally {
      ActorTestKit.shutdown(second.system(), Duration.ofSeconds(30), true);
    }
  }
}

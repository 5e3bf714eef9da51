package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.persistence.spool.FileSpool;

/**
 * The orphan sweep against the queues as the node runs them (Cluster Sharding, JDBC journal on
 * H2) and a real file spool: entries no queue holds and older than min-age go; held, young and
 * unanswered ones stay.
 */
class OrphanSweepTest {

  private static final OrphanSweepSettings SETTINGS =
      new OrphanSweepSettings(true, Duration.ofMinutes(10), Duration.ofHours(1), 1000,
          Duration.ofSeconds(5), 1);

  @TempDir Path dir;

  @Test
  void removesWhatNoQueueHoldsAndKeepsTheRest() throws Exception {
    Path spoolDir = dir.resolve("spool");
    FileSpool spool = new FileSpool(spoolDir, true, Runnable::run);
    Config config = ShardedQueues.config(ShardedQueues.journalUrl(dir),
        "relay.queue.shaping.domains { \"split.example\" { max-connections = 3, sub-queues = 3 } }");
    ActorTestKit kit = ShardedQueues.startNode("relay", config, new DeliveryPorts(
        FakeTransport.unreachable(), spool, new RecordingDsnPort(), Clock.systemUTC()));
    try {
      QueueSettings queues = ShardedQueues.settings(config);
      QueueGateway gateway = new QueueGateway(kit.system(), queues);
      for (String[] held : new String[][] {{"HELD1", "busy.example"}, {"HELD2", "split.example"},
          {"HELD3", "split.example"}}) {
        TestQueues.spool(spool, held[0], held[1]);
        assertEquals(EnqueueOutcome.Accepted.ACCEPTED, gateway.enqueue(held[1],
            TestQueues.message(held[0], "s@x.example", "a@" + held[1]))
            .toCompletableFuture().get(30, TimeUnit.SECONDS));
      }
      TestQueues.spool(spool, "ORPHAN1", "busy.example"); // its enqueue never happened
      TestQueues.spool(spool, "ORPHAN2", "quiet.example", "split.example"); // no queue at all
      TestQueues.spool(spool, "YOUNG1", "busy.example"); // its enqueue may be on its way
      for (String id : new String[] {"HELD1", "HELD2", "HELD3", "ORPHAN1", "ORPHAN2"}) {
        backdate(spoolDir, id, Duration.ofHours(2));
      }

      OrphanSweep sweep = new OrphanSweep(spool, spool, queues, SETTINGS,
          OrphanSweep.viaSharding(kit.system(), SETTINGS.askTimeout()), Clock.systemUTC());
      OrphanSweep.Round round = sweep.runRound();

      assertEquals(new OrphanSweep.Round(6, 3, 3, 0, true), round);
      assertTrue(spool.exists("HELD1", "busy.example"));
      assertTrue(spool.exists("HELD2", "split.example"), "held by one of the three sub-queues");
      assertTrue(spool.exists("HELD3", "split.example"));
      assertFalse(spool.exists("ORPHAN1", "busy.example"));
      assertFalse(spool.exists("ORPHAN2", "quiet.example"));
      assertFalse(spool.exists("ORPHAN2", "split.example"));
      assertTrue(spool.exists("YOUNG1", "busy.example"), "younger than min-age");
      assertEquals(4, ShardedQueues.storedBodies(spoolDir), "HELD1-3 and YOUNG1");

      // a queue that does not answer keeps the entry: try again next round
      TestQueues.spool(spool, "ORPHAN3", "busy.example");
      backdate(spoolDir, "ORPHAN3", Duration.ofHours(2));
      OrphanSweep silent = new OrphanSweep(spool, spool, queues,
          new OrphanSweepSettings(true, Duration.ofMinutes(10), Duration.ofHours(1), 1000,
              Duration.ofMillis(200), 1),
          (queue, queueId) -> new CompletableFuture<>(), Clock.systemUTC());
      OrphanSweep.Round unanswered = silent.runRound();
      assertEquals(0, unanswered.removed());
      assertEquals(4, unanswered.unanswered(), "HELD1-3 and ORPHAN3");
      assertTrue(spool.exists("ORPHAN3", "busy.example"));
      assertEquals(1, sweep.runRound().removed(), "the next round with answers removes it");
      assertFalse(spool.exists("ORPHAN3", "busy.example"));
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void minAgeMustBeFarAboveTheAcceptDeadline() {
    Config tooShort = ConfigFactory.parseString("relay.queue.orphan-sweep.min-age = 2m")
        .withFallback(ConfigFactory.load());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OrphanSweepSettings.fromConfig(tooShort.getConfig("relay.queue")));
    assertTrue(e.getMessage().startsWith("relay.queue.orphan-sweep.min-age = PT2M must be at "
        + "least ten times relay.queue.gateway.accept-deadline"), e.getMessage());
    OrphanSweepSettings defaults =
        OrphanSweepSettings.fromConfig(ConfigFactory.load().getConfig("relay.queue"));
    assertEquals(Duration.ofHours(1), defaults.minAge());
  }

  /** Sets the modification time of every link of {@code queueId} {@code age} into the past. */
  private static void backdate(Path spoolDir, String queueId, Duration age) throws Exception {
    FileTime then = FileTime.from(Instant.now().minus(age));
    try (Stream<Path> files = Files.walk(spoolDir)) {
      for (Path p : files.filter(p -> p.getFileName().toString().startsWith(queueId + "@"))
          .toList()) {
        Files.setLastModifiedTime(p, then);
      }
    }
  }
}

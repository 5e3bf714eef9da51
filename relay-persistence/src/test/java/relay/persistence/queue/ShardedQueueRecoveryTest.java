package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.persistence.spool.FileSpool;

/**
 * The queue as the node runs it: Cluster Sharding (a cluster of one) with remember-entities in
 * the event-sourced store, the JDBC journal on an H2 file. Messages enqueued through the gateway
 * and deferred in a first actor system are delivered by a second one started on the same file,
 * with no command sent: the remembered queues restart and resume their due work.
 */
class ShardedQueueRecoveryTest {

  @TempDir Path dir;

  @Test
  void deferredMailIsDeliveredAfterAFullRestartWithNoNewCommand() throws Exception {
    String url = ShardedQueues.journalUrl(dir);
    Path spoolDir = dir.resolve("spool");
    FileSpool spool = new FileSpool(spoolDir, true, Runnable::run);
    Config config = ShardedQueues.config(url, "");

    // first life: the destination does not answer; 30 messages go through the gateway at once
    FakeTransport down = FakeTransport.unreachable();
    RecordingDsnPort dsn = new RecordingDsnPort();
    ActorTestKit first = ShardedQueues.startNode("relay", config,
        new DeliveryPorts(down, spool, dsn, Clock.systemUTC()));
    List<CompletionStage<EnqueueOutcome>> acks = new ArrayList<>();
    try {
      QueueGateway gateway = new QueueGateway(first.system(), ShardedQueues.settings(config));
      for (int i = 0; i < 30; i++) {
        TestQueues.spool(spool, "QS" + i, "busy.example");
      }
      for (int i = 0; i < 30; i++) {
        acks.add(gateway.enqueue("busy.example",
            TestQueues.message("QS" + i, "s@x.example", "a" + i + "@busy.example")));
      }
      for (CompletionStage<EnqueueOutcome> ack : acks) {
        assertEquals(EnqueueOutcome.Accepted.ACCEPTED,
            ack.toCompletableFuture().get(30, TimeUnit.SECONDS));
      }
      int batches = ShardedQueues.journalEvents(url, "DeliveryQueue|busy.example",
          DeliveryQueue.MessagesEnqueued.class);
      assertTrue(batches >= 1 && batches <= 3, "30 enqueues in " + batches + " journal writes");
      first.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
        assertTrue(ShardedQueues.journalEvents(url, "DeliveryQueue|busy.example",
            DeliveryQueue.RecipientsDeferred.class) >= 30, "every message deferred at least once");
        return null;
      });
    } finally {
      ActorTestKit.shutdown(first.system(), Duration.ofSeconds(30), true);
    }
    assertEquals(30, ShardedQueues.storedBodies(spoolDir));

    // second life on the same database: nobody sends anything, the queue comes back by itself
    FakeTransport up = new FakeTransport();
    ActorTestKit second = ShardedQueues.startNode("relay", config,
        new DeliveryPorts(up, spool, dsn, Clock.systemUTC()));
    try {
      second.createTestProbe().awaitAssert(Duration.ofSeconds(30), () -> {
        assertEquals(30, up.transactions.size());
        assertEquals(0, ShardedQueues.storedBodies(spoolDir));
        return null;
      });
      assertTrue(dsn.requests.isEmpty());
      second.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
        assertTrue(ShardedQueues.liveEntities(second).isEmpty(),
            "the emptied queue passivated itself");
        return null;
      });
    } finally {
      ActorTestKit.shutdown(second.system(), Duration.ofSeconds(30), true);
    }
  }
}

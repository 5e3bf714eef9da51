package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.persistence.queue.DeliveryQueue.MessagesEnqueued;
import relay.persistence.queue.DeliveryQueue.RecipientsDeferred;
import relay.persistence.queue.DeliveryQueue.RecipientsDelivered;
import relay.persistence.spool.FileSpool;
import relay.protocol.reply.SmtpReply;

/**
 * A hot destination spread over sub-queues, as the node runs it (sharding with remember-entities,
 * JDBC journal on H2, real workers) against a destination the test controls: every sub-queue
 * delivers its share, together they stay within the domain's connections, and lowering the
 * sub-queue count on a restart loses nothing.
 */
class SubQueueDeliveryTest {

  static final String HOT = "hot.example";
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  String url;
  Path spoolDir;
  FileSpool spool;
  final RecordingDsnPort dsn = new RecordingDsnPort();

  void storage() throws Exception {
    url = "jdbc:h2:file:" + dir.resolve("journal") + ";WRITE_DELAY=0";
    spoolDir = dir.resolve("spool");
    spool = new FileSpool(spoolDir, true, Runnable::run);
  }

  static Config config(String url, int subQueues) {
    return ShardedQueues.config(url, "relay.queue.shaping.domains { \"" + HOT + "\" {"
        + " max-connections = 3, sub-queues = " + subQueues + " } }");
  }

  static String persistenceId(int subQueue) {
    return "DeliveryQueue|" + new SubQueueId(HOT, subQueue).entityId();
  }

  static QueueStatus status(ActorTestKit kit, int subQueue) throws Exception {
    return ClusterSharding.get(kit.system())
        .entityRefFor(DeliveryQueue.TYPE_KEY, new SubQueueId(HOT, subQueue).entityId())
        .<QueueStatus>ask(DeliveryQueue.GetStatus::new, Duration.ofSeconds(5))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Spools and enqueues {@code count} one-recipient messages through the gateway; all acked. */
  List<String> enqueue(ActorTestKit kit, String prefix, int count) throws Exception {
    QueueGateway gateway = new QueueGateway(kit.system(),
        ShardedQueues.settings(kit.system().settings().config()));
    List<String> ids = new ArrayList<>();
    List<CompletionStage<EnqueueOutcome>> acks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = prefix + String.format("%04d", i);
      TestQueues.spool(spool, id, HOT);
      ids.add(id);
    }
    for (String id : ids) {
      acks.add(gateway.enqueue(HOT, TestQueues.message(id, "s@x.example", "r" + id + "@" + HOT)));
    }
    for (CompletionStage<EnqueueOutcome> ack : acks) {
      assertEquals(EnqueueOutcome.Accepted.ACCEPTED,
          ack.toCompletableFuture().get(30, TimeUnit.SECONDS));
    }
    return ids;
  }

  /** How many of {@code ids} each of {@code subQueues} sub-queues should hold. */
  static Map<Integer, Integer> expectedSpread(List<String> ids, int subQueues) {
    Map<Integer, Integer> spread = new HashMap<>();
    for (String id : ids) {
      spread.merge(SubQueueId.forMessage(HOT, id, subQueues).index(), 1, Integer::sum);
    }
    return spread;
  }

  /**
   * Waits until every one of {@code ids} reached the destination and the spool is empty, then
   * checks each went exactly once and each sub-queue persisted the deliveries of the messages it
   * held ({@code spread}).
   */
  void awaitAllDelivered(ActorTestKit kit, FakeTransport transport, List<String> ids,
      Map<Integer, Integer> spread) throws Exception {
    kit.createTestProbe().awaitAssert(WAIT, () -> {
      assertEquals(ids.size(), transport.transactions.size());
      assertEquals(0, ShardedQueues.storedBodies(spoolDir));
      return null;
    });
    for (String id : ids) {
      assertEquals(List.of("r" + id + "@" + HOT), transport.deliveredTo(id), "exactly once");
    }
    for (Map.Entry<Integer, Integer> e : spread.entrySet()) {
      assertEquals(e.getValue(), ShardedQueues.journalEvents(url, persistenceId(e.getKey()),
          RecipientsDelivered.class), "deliveries persisted by sub-queue " + e.getKey());
    }
  }

  /** No DSN was asked for, and every emptied queue passivates itself. */
  void awaitNoDsnAndEveryQueuePassivated(ActorTestKit kit) {
    assertTrue(dsn.requests.isEmpty(), dsn.requests.toString());
    kit.createTestProbe().awaitAssert(WAIT, () -> {
      assertTrue(ShardedQueues.liveEntities(kit).isEmpty(), "emptied queues passivate");
      return null;
    });
  }

  /** Enqueue events in the journals of sub-queues 1 and 2. */
  int enqueuedToDrainingSubQueues() throws Exception {
    return ShardedQueues.journalEvents(url, persistenceId(1), MessagesEnqueued.class)
        + ShardedQueues.journalEvents(url, persistenceId(2), MessagesEnqueued.class);
  }

  @Test
  void threeSubQueuesEachDeliverTheirShareWithinTheDomainsConnections() throws Exception {
    storage();
    FakeTransport transport = new FakeTransport();
    transport.gate = new CountDownLatch(1); // connections wait until every queue holds its mail
    transport.deliverMillis = 10;
    ActorTestKit kit = ShardedQueues.startNode("relay", config(url, 3),
        new DeliveryPorts(transport, spool, dsn, Clock.systemUTC()));
    try {
      List<String> ids = enqueue(kit, "QH", 60);
      Map<Integer, Integer> spread = expectedSpread(ids, 3);
      assertEquals(3, spread.size(), "60 ids use every sub-queue: " + spread);

      for (int i = 0; i < 3; i++) {
        int subQueue = i;
        kit.createTestProbe().awaitAssert(WAIT, () -> {
          QueueStatus s = status(kit, subQueue);
          assertEquals(HOT, s.domain());
          assertEquals(subQueue, s.subQueue());
          assertFalse(s.draining());
          assertEquals(spread.get(subQueue), s.pendingMessages(), s.toString());
          assertEquals(1, s.connectionsOpen(), "its share of max-connections = 3: " + s);
          return null;
        });
        assertTrue(ShardedQueues.journalEvents(url, persistenceId(subQueue),
            MessagesEnqueued.class) >= 1);
      }
      transport.gate.countDown();

      awaitAllDelivered(kit, transport, ids, spread);
      assertEquals(3, transport.maxOpen.get(), "one connection per sub-queue, all at once");
      awaitNoDsnAndEveryQueuePassivated(kit);
    } finally {
      ActorTestKit.shutdown(kit.system(), WAIT, true);
    }
  }

  @Test
  void subQueuesNoLongerConfiguredAfterARestartDrainWhatTheyHold() throws Exception {
    storage();
    // first life with three sub-queues: the destination does not answer, everything is deferred
    FakeTransport down = new FakeTransport();
    down.connectFailure = SmtpReply.of(451, "4.4.1", "No answer from any MX host");
    ActorTestKit first = ShardedQueues.startNode("relay", config(url, 3),
        new DeliveryPorts(down, spool, dsn, Clock.systemUTC()));
    List<String> ids;
    try {
      ids = enqueue(first, "QL", 30);
      first.createTestProbe().awaitAssert(WAIT, () -> {
        int deferred = 0;
        for (int i = 0; i < 3; i++) {
          deferred += ShardedQueues.journalEvents(url, persistenceId(i), RecipientsDeferred.class);
        }
        assertTrue(deferred >= 30, "every message deferred at least once: " + deferred);
        return null;
      });
    } finally {
      ActorTestKit.shutdown(first.system(), WAIT, true);
    }
    Map<Integer, Integer> spread = expectedSpread(ids, 3);
    assertEquals(3, spread.size(), "30 ids use every sub-queue: " + spread);
    assertEquals(30, ShardedQueues.storedBodies(spoolDir));

    // second life with one queue for the domain; nobody resends anything
    FakeTransport up = new FakeTransport();
    up.gate = new CountDownLatch(1);
    ActorTestKit second = ShardedQueues.startNode("relay", config(url, 1),
        new DeliveryPorts(up, spool, dsn, Clock.systemUTC()));
    try {
      for (int i = 1; i < 3; i++) {
        QueueStatus s = status(second, i);
        assertTrue(s.draining(), "sub-queue " + i + " is no longer configured: " + s);
        assertEquals(spread.get(i), s.pendingMessages(), s.toString());
        assertTrue(s.connectionsOpen() <= 1, "a draining sub-queue uses one connection: " + s);
      }
      assertFalse(status(second, 0).draining());
      up.gate.countDown();

      awaitAllDelivered(second, up, ids, spread);

      // new mail for the domain goes to its one queue only
      int enqueuedBefore = enqueuedToDrainingSubQueues();
      enqueue(second, "QN", 10);
      second.createTestProbe().awaitAssert(WAIT, () -> {
        assertEquals(40, up.transactions.size());
        return null;
      });
      assertEquals(enqueuedBefore, enqueuedToDrainingSubQueues());
      awaitNoDsnAndEveryQueuePassivated(second);
    } finally {
      ActorTestKit.shutdown(second.system(), WAIT, true);
    }
  }
}

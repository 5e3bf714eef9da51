package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.persistence.queue.DeliveryQueue.Command;
import relay.persistence.queue.DeliveryQueue.Enqueue;
import relay.persistence.queue.DeliveryQueue.EnqueueBatch;
import relay.persistence.queue.DeliveryQueue.Event;
import relay.persistence.queue.DeliveryQueue.GetStatus;
import relay.persistence.queue.DeliveryQueue.MessagesEnqueued;
import relay.persistence.spool.FileSpool;

/**
 * The entity's protocol with the persistence testkit: command -> reply, events, state; recovery;
 * snapshots; every command, event and the state go through CBOR serialization. Delivery is held
 * (the transport blocks in connect) so only the enqueue side is observed here; tests that restart
 * the entity let connects fail transiently instead, because a stopping entity waits for its
 * workers' blocking calls to return.
 */
class DeliveryQueueTest {

  static final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
      .withFallback(ConfigFactory.load()));
  static final AtomicInteger ids = new AtomicInteger();

  @TempDir Path spoolDir;
  final FakeTransport transport = new FakeTransport();
  final RecordingDsnPort dsn = new RecordingDsnPort();
  EventSourcedBehaviorTestKit<Command, Event, QueueState> kit;

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void holdDelivery() {
    transport.gate = new CountDownLatch(1);
  }

  @AfterEach
  void releaseDelivery() {
    transport.gate.countDown();
  }

  /** Instead of holding delivery: every connect fails with 451 (next retry in 5 minutes). */
  void failConnectsTransiently() {
    transport.connectFailure = relay.protocol.reply.SmtpReply.of(451, "4.4.1", "No answer");
    transport.gate.countDown();
  }

  EventSourcedBehaviorTestKit<Command, Event, QueueState> queue(String overrides) throws Exception {
    QueueSettings settings = TestQueues.settings("relay.queue.shaping.default.max-connections = 2\n" + overrides);
    DeliveryPorts ports = new DeliveryPorts(transport,
        new FileSpool(spoolDir, false, Runnable::run), dsn, Clock.systemUTC());
    String domain = "t" + ids.incrementAndGet() + ".example";
    return EventSourcedBehaviorTestKit.create(testKit.system(),
        DeliveryQueue.create(domain, settings, ports));
  }

  static CommandResultWithReply<Command, Event, QueueState, EnqueueOutcome> enqueue(
      EventSourcedBehaviorTestKit<Command, Event, QueueState> kit, QueuedMessage... messages) {
    return kit.runCommand(replyTo -> new Enqueue(List.of(messages), replyTo));
  }

  static CommandResultWithReply<Command, Event, QueueState, StatusReply<Done>> legacyEnqueue(
      EventSourcedBehaviorTestKit<Command, Event, QueueState> kit, QueuedMessage... messages) {
    return kit.runCommand(replyTo -> new EnqueueBatch(List.of(messages), replyTo));
  }

  @Test
  void aBatchIsPersistedAsOneEventAndAcknowledged() throws Exception {
    kit = queue("");
    QueuedMessage a = TestQueues.message("QA", "s@x.example", "a@d", "b@d");
    QueuedMessage b = TestQueues.message("QB", "", "c@d");
    var result = enqueue(kit, a, b);
    assertEquals(EnqueueOutcome.Accepted.ACCEPTED, result.reply());
    assertEquals(1, result.events().size());
    MessagesEnqueued e = (MessagesEnqueued) result.event();
    assertEquals(List.of(a, b), e.messages());
    assertEquals(2, result.state().pendingMessageCount());
    assertEquals(3, result.state().pendingRecipientCount());
    assertEquals(0, result.state().message("QB").orElseThrow().attempts());
  }

  @Test
  void aRepeatedQueueIdIsAcknowledgedAndChangesNothing() throws Exception {
    kit = queue("");
    QueuedMessage a = TestQueues.message("QA", "s@x.example", "a@d");
    enqueue(kit, a);
    var again = enqueue(kit, a, a);
    assertEquals(EnqueueOutcome.Accepted.ACCEPTED, again.reply());
    assertTrue(again.hasNoEvents());
    var mixed = enqueue(kit, a, TestQueues.message("QC", "s@x.example", "c@d"));
    assertEquals(List.of("QC"), ((MessagesEnqueued) mixed.event()).messages().stream()
        .map(QueuedMessage::queueId).toList());
    assertEquals(2, mixed.state().pendingMessageCount());
  }

  @Test
  void badBatchesAreRefusedWithoutEvents() throws Exception {
    kit = queue("relay.queue.max-pending-messages = 2");
    var empty = enqueue(kit);
    assertEquals(new EnqueueOutcome.Invalid("empty enqueue batch"), empty.reply());
    assertTrue(empty.hasNoEvents());

    var badId = enqueue(kit, TestQueues.message("../etc", "s@x.example", "a@d"));
    assertInstanceOf(EnqueueOutcome.Invalid.class, badId.reply());
    assertTrue(badId.hasNoEvents());

    enqueue(kit, TestQueues.message("Q1", "s@x.example", "a@d"));
    var full = enqueue(kit, TestQueues.message("Q2", "s@x.example", "a@d"),
        TestQueues.message("Q3", "s@x.example", "a@d"));
    assertInstanceOf(EnqueueOutcome.QueueFull.class, full.reply());
    assertTrue(full.hasNoEvents());
    assertEquals(1, full.state().pendingMessageCount());
    assertEquals(EnqueueOutcome.Accepted.ACCEPTED,
        enqueue(kit, TestQueues.message("Q1", "s@x.example", "a@d")).reply(),
        "a full queue still acknowledges what it holds");
  }

  /** The previous version's EnqueueBatch, served during a rolling upgrade, answers as before. */
  @Test
  void theLegacyEnqueueBatchIsStillServed() throws Exception {
    kit = queue("relay.queue.max-pending-messages = 1");
    var ok = legacyEnqueue(kit, TestQueues.message("Q1", "s@x.example", "a@d"));
    assertTrue(ok.reply().isSuccess());
    assertEquals(1, ok.events().size());
    var full = legacyEnqueue(kit, TestQueues.message("Q2", "s@x.example", "a@d"));
    assertTrue(full.reply().isError());
    assertTrue(full.reply().getError().getMessage().startsWith(DeliveryQueue.QUEUE_FULL),
        full.reply().getError().getMessage());
    var empty = legacyEnqueue(kit);
    assertEquals("empty enqueue batch", empty.reply().getError().getMessage());
  }

  @Test
  void statusCountsMessagesRecipientsWorkersAndTheOldest() throws Exception {
    kit = queue("");
    QueuedMessage first = new QueuedMessage("Q1", "s@x.example", List.of("a@d", "b@d"), 10,
        Instant.parse("2026-01-01T00:00:00Z"), false, false);
    enqueue(kit, first, TestQueues.message("Q2", "s@x.example", "c@d"),
        TestQueues.message("Q3", "s@x.example", "e@d"));
    QueueStatus status = kit.<QueueStatus>runCommand(GetStatus::new).reply();
    assertEquals(3, status.pendingMessages());
    assertEquals(4, status.pendingRecipients());
    assertEquals(2, status.connectionsOpen(), "max-connections = 2");
    assertEquals(2, status.inFlight());
    assertEquals(0, status.pendingDsns());
    assertEquals(Optional.of(first.receivedAt()), status.oldest());
  }

  @Test
  void recoveryRestoresThePendingMessages() throws Exception {
    failConnectsTransiently();
    kit = queue("");
    enqueue(kit, TestQueues.message("Q1", "s@x.example", "a@d", "b@d"));
    enqueue(kit, TestQueues.message("Q2", "", "c@d"));
    QueueState restored = kit.restart().state();
    assertEquals(2, restored.pendingMessageCount());
    assertEquals(3, restored.pendingRecipientCount());
    assertEquals("", restored.message("Q2").orElseThrow().sender());
    assertTrue(restored.knows("Q1"));
    assertFalse(restored.knows("Q9"));
  }

  @Test
  void aSnapshotRestoresTheStateAfterOldEventsAreDeleted() throws Exception {
    failConnectsTransiently();
    kit = queue("relay.queue.snapshot-every = 10");
    for (int i = 0; i < 12; i++) {
      enqueue(kit, TestQueues.message("Q" + i, "s@x.example", "a" + i + "@d"));
    }
    QueueState restored = kit.restart().state();
    assertEquals(12, restored.pendingMessageCount());
    assertTrue(kit.snapshotTestKit().isPresent());
    assertEquals(12, restored.pendingRecipientCount());
  }

  @Test
  void everyTypeCrossingTheBoundaryRoundTripsThroughCbor() {
    SerializationTestKit ser = new SerializationTestKit(testKit.system());
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    RecordedReply r = new RecordedReply(550, "5.1.1", "No such user");
    FailedRecipient f = new FailedRecipient("a@d", 550, "5.1.1", "No such user", Optional.of("mx"), t);
    List<Object> values = List.of(
        new QueueStatus("d", 0, false, 1, 2, 0, 0, 0, Optional.of(t)),
        new QueueStatus("d", 2, true, 0, 0, 0, 0, 0, Optional.empty()),
        new DsnRequest(DsnKind.DELAYED, "Q", "d", "s@x", t, List.of(f), Optional.of(t)),
        new DeliveryQueue.RecipientsDelivered("Q", List.of("a@d"), "mx", r, t),
        new DeliveryQueue.RecipientsDeferred("Q", List.of("a@d"), "", r, 2, t, t),
        new DeliveryQueue.RecipientsBounced("Q", List.of("a@d"), "mx", r, t, "Q.F1"),
        new DeliveryQueue.MessageExpired("Q", List.of("a@d"), "mx", r, t, ""),
        new DeliveryQueue.DelayWarningSent("Q", List.of(f), t, t, "Q.D"),
        new DeliveryQueue.DsnQueued("Q.D", t),
        new DeliveryQueue.Snapshot(List.of(new PendingMessage("Q", "", List.of("a@d"),
            1, t, true, true, 3, t, true)), List.of(new PendingDsn("Q.F1",
            DsnKind.FAILED, "Q", "s@x", t, List.of(f), Optional.empty())), List.of("Q0")),
        new AttemptOutcome("Q", "mx", List.of(new AttemptOutcome.RecipientReply("a@d", r))),
        new DeliveryJob("Q", "s@x", List.of("a@d"), 5, false, true, 1));
    for (Object v : values) {
      ser.verifySerialization(v, true);
    }
  }

  @Test
  void commandsAreSerializableWithTheirReplyRefs() {
    SerializationTestKit ser = new SerializationTestKit(testKit.system());
    var probe = testKit.<StatusReply<Done>>createTestProbe();
    var outcomes = testKit.<EnqueueOutcome>createTestProbe();
    var status = testKit.<QueueStatus>createTestProbe();
    ser.verifySerialization(new EnqueueBatch(List.of(TestQueues.message("Q", "", "a@d")),
        probe.getRef()), true);
    ser.verifySerialization(new Enqueue(List.of(TestQueues.message("Q", "", "a@d")),
        outcomes.getRef()), true);
    for (EnqueueOutcome outcome : List.of(EnqueueOutcome.Accepted.ACCEPTED,
        new EnqueueOutcome.QueueFull("q holds 9"), new EnqueueOutcome.BacklogFull("b"),
        new EnqueueOutcome.Invalid("i"), new EnqueueOutcome.Unknown("u"))) {
      ser.verifySerialization(outcome, true); // the reply crosses nodes
    }
    ser.verifySerialization(new GetStatus(status.getRef()), true);
    assertInstanceOf(Command.class, new GetStatus(status.getRef()));
  }
}

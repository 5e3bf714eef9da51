package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.persistence.queue.DeliveryQueue.Command;
import relay.persistence.queue.DeliveryQueue.EnqueueBatch;
import relay.persistence.queue.DeliveryQueue.Event;
import relay.persistence.queue.DeliveryQueue.MessagesEnqueued;
import relay.persistence.spool.FileSpool;

/**
 * A client's retry of a message under a new queue id: the queue acknowledges it without a second
 * copy and releases the retry's spool reference; recovery and snapshots keep the fingerprints;
 * events and snapshots written before fingerprints existed still read. Nothing is delivered.
 */
class DeliveryQueueDuplicatesTest {

  static final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
      .withFallback(ConfigFactory.load()));
  static final AtomicInteger ids = new AtomicInteger();

  @TempDir Path spoolDir;
  final FakeTransport transport = new FakeTransport();
  FileSpool spool;
  String domain;

  DeliveryQueueDuplicatesTest() {
    // every connect fails at once (451, next attempt in minutes): nothing is delivered, and a
    // restarting queue has no worker to wait for
    transport.connectFailure = relay.protocol.reply.SmtpReply.of(451, "4.4.1", "No answer");
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  EventSourcedBehaviorTestKit<Command, Event, QueueState> queue(String overrides) throws Exception {
    QueueSettings settings = TestQueues.settings("relay.queue.snapshot-every = 10\n" + overrides);
    spool = new FileSpool(spoolDir, false, Runnable::run);
    DeliveryPorts ports = new DeliveryPorts(transport, spool, new RecordingDsnPort(),
        Clock.systemUTC());
    domain = "dup" + ids.incrementAndGet() + ".example";
    return EventSourcedBehaviorTestKit.create(testKit.system(),
        DeliveryQueue.create(domain, settings, ports));
  }

  static QueuedMessage message(String queueId, String fingerprint) {
    return new QueuedMessage(queueId, "s@x.example", List.of("a@d", "b@d"), 100, Instant.now(),
        false, false, fingerprint);
  }

  static CommandResultWithReply<Command, Event, QueueState, StatusReply<Done>> enqueue(
      EventSourcedBehaviorTestKit<Command, Event, QueueState> kit, QueuedMessage... messages) {
    return kit.runCommand(replyTo -> new EnqueueBatch(List.of(messages), replyTo));
  }

  /** Waits for the queue's release on the blocking dispatcher. */
  void awaitReleased(String queueId) throws InterruptedException {
    for (int i = 0; i < 100 && spool.exists(queueId, domain); i++) {
      Thread.sleep(50);
    }
    assertFalse(spool.exists(queueId, domain), queueId + " still in the spool");
  }

  @Test
  void aRetryUnderANewQueueIdIsAcknowledgedWithoutASecondCopyAndItsBodyReleased()
      throws Exception {
    var kit = queue("");
    TestQueues.spool(spool, "QFIRST", domain);
    TestQueues.spool(spool, "QRETRY", domain, "other.example");
    assertTrue(enqueue(kit, message("QFIRST", "F1")).reply().isSuccess());

    var retry = enqueue(kit, message("QRETRY", "F1"));
    assertTrue(retry.reply().isSuccess());
    assertTrue(retry.hasNoEvents());
    assertEquals(1, retry.state().pendingMessageCount());
    awaitReleased("QRETRY");
    assertTrue(spool.exists("QFIRST", domain), "the first copy keeps its body");
    assertTrue(spool.exists("QRETRY", "other.example"), "other domains keep theirs");

    var mixed = enqueue(kit, message("QNEW", "F2"), message("QAGAIN", "F1"),
        message("QTWIN", "F2"), message("QPLAIN", null));
    assertEquals(List.of("QNEW", "QPLAIN"), ((MessagesEnqueued) mixed.event()).messages()
        .stream().map(QueuedMessage::queueId).toList());
    assertEquals(3, mixed.state().pendingMessageCount());
  }

  @Test
  void messagesWithoutFingerprintAreNeverTakenForEachOther() throws Exception {
    var kit = queue("");
    enqueue(kit, message("QA", null));
    var second = enqueue(kit, message("QB", null));
    assertEquals(1, second.events().size());
    assertEquals(2, second.state().pendingMessageCount());
  }

  @Test
  void aRetryAfterTheWindowIsQueuedAgain() throws Exception {
    var kit = queue("relay.queue.duplicates.window = 300ms");
    enqueue(kit, message("QA", "F"));
    Thread.sleep(600);
    assertSecondCopyQueued(kit);
  }

  @Test
  void offQueuesEveryRetry() throws Exception {
    var kit = queue("relay.queue.duplicates.max-entries = 0");
    enqueue(kit, message("QA", "F"));
    assertSecondCopyQueued(kit);
  }

  private static void assertSecondCopyQueued(
      EventSourcedBehaviorTestKit<Command, Event, QueueState> kit) {
    var again = enqueue(kit, message("QB", "F"));
    // the first copy's failed attempt may be written in the same run: count only the enqueue
    assertEquals(List.of("QB"), again.events().stream()
        .filter(MessagesEnqueued.class::isInstance).map(MessagesEnqueued.class::cast)
        .flatMap(e -> e.messages().stream()).map(QueuedMessage::queueId).toList());
    assertEquals(2, again.state().pendingMessageCount());
  }

  @Test
  void recoveryAndSnapshotsKeepTheFingerprints() throws Exception {
    var kit = queue("");
    enqueue(kit, message("Q0", "F0"));
    kit.restart();
    assertTrue(enqueue(kit, message("R0", "F0")).hasNoEvents(), "replayed from events");
    for (int i = 1; i <= 12; i++) {
      enqueue(kit, message("Q" + i, "F" + i)); // a snapshot at 10 events deletes the older ones
    }
    kit.restart();
    assertTrue(enqueue(kit, message("R1", "F1")).hasNoEvents(), "restored from the snapshot");
    assertTrue(enqueue(kit, message("R12", "F12")).hasNoEvents(), "replayed after the snapshot");
    assertEquals(13, kit.getState().pendingMessageCount());
  }

  /**
   * An event and a snapshot as the previous version wrote them (no fingerprint field): both read,
   * with no fingerprint and no remembered messages.
   */
  @Test
  void eventsAndSnapshotsWrittenWithoutFingerprintsStillRead() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    Instant t = Instant.parse("2026-12-01T10:00:00Z");
    MessagesEnqueued event = new MessagesEnqueued(List.of(message("QOLD", null)), t);
    MessagesEnqueued oldEvent = (MessagesEnqueued) rewrittenWithout(serialization, event,
        "fingerprint");
    assertEquals(event, oldEvent);

    DeliveryQueue.Snapshot snapshot = new DeliveryQueue.Snapshot(List.of(), List.of(),
        List.of("Q0"));
    DeliveryQueue.Snapshot oldSnapshot = (DeliveryQueue.Snapshot) rewrittenWithout(serialization,
        snapshot, "recentMessages");
    assertEquals(List.of("Q0"), oldSnapshot.recentlyCompleted());
    assertEquals(0, RecentMessages.of(oldSnapshot.recentMessages(),
        DeliveryQueue.DEFAULT_DUPLICATES).size());
  }

  /**
   * Serializes {@code value} with the actor system's serializer, removes {@code field} wherever it
   * occurs in the CBOR tree (as the previous version never wrote it), and reads it back.
   */
  private static Object rewrittenWithout(Serialization serialization, Object value, String field)
      throws Exception {
    var serializer = serialization.findSerializerFor(value);
    String manifest = Serializers.manifestFor(serializer, value);
    byte[] bytes = serializer.toBinary(value);
    ObjectMapper cbor = new ObjectMapper(new com.fasterxml.jackson.dataformat.cbor.CBORFactory());
    var tree = cbor.readTree(bytes);
    int removed = strip(tree, field);
    assertTrue(removed > 0, field + " not found in " + tree);
    byte[] old = cbor.writeValueAsBytes(tree);
    return serialization.deserialize(old, serializer.identifier(), manifest).get();
  }

  private static int strip(com.fasterxml.jackson.databind.JsonNode node, String field) {
    int removed = 0;
    if (node instanceof ObjectNode o && o.remove(field) != null) {
      removed++;
    }
    for (var child : node) {
      removed += strip(child, field);
    }
    return removed;
  }
}

package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.persistence.queue.DeliveryQueue.BounceAll;
import relay.persistence.queue.DeliveryQueue.Command;
import relay.persistence.queue.DeliveryQueue.ControlDone;
import relay.persistence.queue.DeliveryQueue.DeliveryHeld;
import relay.persistence.queue.DeliveryQueue.DeliveryReleased;
import relay.persistence.queue.DeliveryQueue.Enqueue;
import relay.persistence.queue.DeliveryQueue.Hold;
import relay.persistence.queue.DeliveryQueue.Inspect;
import relay.persistence.queue.DeliveryQueue.RecipientsBounced;
import relay.persistence.queue.DeliveryQueue.RecipientsDeferred;
import relay.persistence.queue.DeliveryQueue.Release;
import relay.persistence.queue.DeliveryQueue.RetryNow;
import relay.persistence.queue.DeliveryQueue.RetryRequested;
import relay.persistence.spool.FileSpool;

/**
 * The operator's commands to a queue with its real workers (in-memory journal, a destination the
 * test controls): a hold stops attempts, survives a restart of the entity and its release
 * drains the queue; retry-now attempts deferred messages at once; a bounce returns every message
 * not in flight, in batches, with a DSN to each non-null sender; inspect reports what is held.
 */
class QueueControlTest {

  static final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
      .withFallback(ConfigFactory.load()));
  static final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
  static final AtomicInteger ids = new AtomicInteger();
  static final Duration WAIT = Duration.ofSeconds(15);
  /** Retries an hour apart: a deferred message waits unless retried now. */
  static final String SLOW_RETRIES =
      "relay.queue { retry { initial = 1h, max-interval = 1h }, max-lifetime = 5h }";

  @TempDir Path spoolDir;
  FileSpool spool;
  final FakeTransport transport = new FakeTransport();
  final RecordingDsnPort dsn = new RecordingDsnPort();
  DeliveryPorts ports;

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void ports() throws Exception {
    spool = new FileSpool(spoolDir, false, Runnable::run);
    ports = new DeliveryPorts(transport, spool, dsn, Clock.systemUTC());
  }

  ActorRef<Command> start(String domain, String overrides) {
    return testKit.spawn(DeliveryQueue.create(domain,
        TestQueues.settings(TestQueues.fast(overrides)), ports));
  }

  static <R> R ask(ActorRef<Command> queue, Function<ActorRef<R>, Command> command)
      throws Exception {
    return AskPattern.<Command, R>ask(queue, command::apply, Duration.ofSeconds(5),
        testKit.scheduler()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static ControlDone control(ActorRef<Command> queue,
      Function<ActorRef<ControlDone>, Command> command) throws Exception {
    return ask(queue, command);
  }

  void enqueue(ActorRef<Command> queue, String domain, QueuedMessage... messages)
      throws Exception {
    for (QueuedMessage m : messages) {
      TestQueues.spool(spool, m.queueId(), domain);
    }
    EnqueueOutcome outcome = ask(queue, r -> new Enqueue(List.of(messages), r));
    assertEquals(EnqueueOutcome.Accepted.ACCEPTED, outcome);
  }

  static QueueReport inspect(ActorRef<Command> queue) throws Exception {
    return ask(queue, r -> new Inspect(10, r));
  }

  static void await(org.apache.pekko.japi.function.Creator<Object> check) {
    testKit.createTestProbe().awaitAssert(WAIT, check);
  }

  static List<Object> events(String domain) {
    return journal.persistedInStorage("DeliveryQueue|" + domain);
  }

  /** Stops the queue and waits until it is gone (its journal stays). */
  static void stop(ActorRef<Command> queue) {
    TestProbe<Object> probe = testKit.createTestProbe();
    testKit.stop(queue, Duration.ofSeconds(10));
    probe.expectTerminated(queue, Duration.ofSeconds(10));
  }

  @Test
  void aHoldStopsAttemptsSurvivesARestartAndItsReleaseDrainsTheQueue() throws Exception {
    String domain = "h" + ids.incrementAndGet() + ".example";
    ActorRef<Command> queue = start(domain, "");
    assertEquals(new ControlDone(0, 0), control(queue, r -> new Hold("ops", r)));
    assertEquals(new ControlDone(0, 0), control(queue, r -> new Hold("ops", r)), "held already");
    enqueue(queue, domain, TestQueues.message("Q1", "s@x.example", "a@" + domain),
        TestQueues.message("Q2", "", "b@" + domain));
    Thread.sleep(500);
    assertEquals(0, transport.connects.get(), "nothing attempted while held");
    QueueReport held = inspect(queue);
    assertEquals(2, held.pendingMessages());
    assertEquals("ops", held.hold().orElseThrow().actor());

    stop(queue);
    queue = start(domain, "");
    assertTrue(inspect(queue).hold().isPresent(), "the hold is recovered");
    Thread.sleep(300);
    assertEquals(0, transport.connects.get(), "nothing attempted after the restart");

    assertEquals(new ControlDone(2, 0), control(queue, r -> new Release("ops", r)));
    ActorRef<Command> q = queue;
    await(() -> {
      assertEquals(0, inspect(q).pendingMessages());
      return null;
    });
    assertEquals(List.of("a@" + domain), transport.deliveredTo("Q1"));
    assertEquals(List.of("b@" + domain), transport.deliveredTo("Q2"));
    assertEquals(1, events(domain).stream().filter(DeliveryHeld.class::isInstance).count());
    assertEquals(1, events(domain).stream().filter(DeliveryReleased.class::isInstance).count());
    assertEquals(new ControlDone(0, 0), control(queue, r -> new Release("ops", r)), "not held");
  }

  @Test
  void retryNowAttemptsDeferredMessagesAtOnce() throws Exception {
    String domain = "r" + ids.incrementAndGet() + ".example";
    ActorRef<Command> queue = start(domain, SLOW_RETRIES);
    enqueue(queue, domain, TestQueues.message("Q1", "s@x.example", "deferonce@" + domain));
    await(() -> {
      QueueReport r = inspect(queue);
      assertEquals(1, r.deferredMessages(), r.toString());
      assertEquals(451, r.lastFailure().orElseThrow().code());
      return null;
    });
    Instant next = inspect(queue).messages().get(0).nextAttemptAt();
    assertTrue(next.isAfter(Instant.now().plus(Duration.ofMinutes(50))), next.toString());

    Instant asked = Instant.now();
    assertEquals(new ControlDone(1, 0), control(queue, RetryNow::new));
    await(() -> {
      assertEquals(0, inspect(queue).pendingMessages());
      return null;
    });
    System.out.println("retry-now: delivered " + Duration.between(asked, Instant.now()).toMillis()
        + " ms after the command (the retry schedule said in 1 h)");
    assertEquals(2, transport.transactionsOf("Q1").size(), "the deferral, then the retry");
    assertEquals(1, events(domain).stream()
        .filter(DeliveryQueue.RecipientsDelivered.class::isInstance).count());
    assertEquals(1, events(domain).stream().filter(RetryRequested.class::isInstance).count());
    assertEquals(new ControlDone(0, 0), control(queue, RetryNow::new), "nothing waits");
  }

  @Test
  void aBounceReturnsEveryMessageInBatchesWithADsnPerSender() throws Exception {
    String domain = "b" + ids.incrementAndGet() + ".example";
    ActorRef<Command> queue = start(domain, SLOW_RETRIES);
    enqueue(queue, domain, TestQueues.message("Q1", "s1@x.example", "defer1@" + domain),
        TestQueues.message("Q2", "s2@x.example", "defer2@" + domain, "defer3@" + domain),
        TestQueues.message("Q3", "", "defer4@" + domain));
    await(() -> {
      assertEquals(3, inspect(queue).deferredMessages());
      return null;
    });
    assertEquals(new ControlDone(2, 1), control(queue, r -> new BounceAll(2, r)));
    assertEquals(new ControlDone(1, 0), control(queue, r -> new BounceAll(2, r)));
    assertEquals(new ControlDone(0, 0), control(queue, r -> new BounceAll(2, r)));
    await(() -> {
      QueueReport r = inspect(queue);
      assertEquals(0, r.pendingMessages(), r.toString());
      assertEquals(2, dsn.of(DsnKind.FAILED).size());
      return null;
    });
    List<RecipientsBounced> bounced = events(domain).stream()
        .filter(RecipientsBounced.class::isInstance).map(RecipientsBounced.class::cast).toList();
    assertEquals(3, bounced.size());
    assertEquals(4, bounced.stream().mapToInt(b -> b.recipients().size()).sum());
    for (RecipientsBounced b : bounced) {
      assertEquals(554, b.reply().code());
      assertEquals("5.0.0", b.reply().enhanced());
      assertEquals(b.queueId().equals("Q3") ? "" : b.queueId() + ".X", b.dsnId());
    }
    assertEquals(List.of("Q1", "Q2"), dsn.of(DsnKind.FAILED).stream().map(DsnRequest::queueId)
        .sorted().toList());
    assertEquals(554, inspect(queue).lastFailure().orElseThrow().code());
    assertEquals(3, events(domain).stream().filter(RecipientsDeferred.class::isInstance).count());
  }

  @Test
  void theNewCommandsEventsAndSnapshotFieldsSerialize() throws Exception {
    org.apache.pekko.serialization.Serialization ser =
        org.apache.pekko.serialization.SerializationExtension.get(testKit.system().classicSystem());
    Instant t = Instant.parse("2026-12-05T10:00:00Z");
    RecordedReply r = new RecordedReply(451, "4.2.0", "later");
    QueueState state = new QueueState(100);
    state.apply(new DeliveryQueue.MessagesEnqueued(List.of(TestQueues.message("Q", "s@x",
        "a@d")), t));
    state.apply(new RecipientsDeferred("Q", List.of("a@d"), "mx", r, 1, t.plusSeconds(60), t));
    state.apply(new DeliveryHeld("ops", t));
    DeliveryQueue.Snapshot snapshot = state.toSnapshot();
    QueueState back = QueueState.fromSnapshot((DeliveryQueue.Snapshot) roundTrip(ser, snapshot),
        100);
    assertEquals(Optional.of(new DeliveryQueue.OperatorHold("ops", t)), back.hold());
    assertEquals(Optional.of(r), back.lastFailure());
    back.apply(new RetryRequested(t.plusSeconds(1)));
    assertEquals(t.plusSeconds(1), back.message("Q").orElseThrow().nextAttemptAt());
    for (Object v : List.of(new DeliveryHeld("ops", t), new DeliveryReleased("ops", t),
        new RetryRequested(t), new ControlDone(3, 1), fullReport())) {
      assertEquals(v, roundTrip(ser, v));
    }
  }

  static Object roundTrip(org.apache.pekko.serialization.Serialization ser, Object v)
      throws Exception {
    org.apache.pekko.serialization.Serializer s = ser.findSerializerFor(v);
    byte[] bytes = s.toBinary(v);
    String manifest = org.apache.pekko.serialization.Serializers.manifestFor(s, v);
    return ser.deserialize(bytes, s.identifier(), manifest).get();
  }

  /** A report with every optional part present. */
  static QueueReport fullReport() {
    Instant t = Instant.parse("2026-12-05T10:00:00Z");
    return new QueueReport("d.example", 2, 1, 2, 1, 0, Optional.of(t),
        Optional.of(new RecordedReply(451, "4.2.0", "later")),
        Optional.of(new DeliveryQueue.OperatorHold("ops", t)),
        List.of(new PendingMessage("Q", "s@x", List.of("a@d", "b@d"), 10, t, false, false, 1,
            t, false)));
  }
}

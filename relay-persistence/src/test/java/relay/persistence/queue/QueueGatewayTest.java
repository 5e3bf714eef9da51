package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Batching per queue and re-sending in the gateway, with the send step in the test's hands: one
 * batch in flight per queue, the rest waiting, bounded both ways, a batch with no answer sent
 * again until the accept deadline, every caller told the outcome, none failed.
 */
class QueueGatewayTest {

  static final EnqueueOutcome ACCEPTED = EnqueueOutcome.Accepted.ACCEPTED;

  record Sent(SubQueueId queue, List<QueuedMessage> batch, Duration timeout,
      CompletableFuture<EnqueueOutcome> reply, long atNanos) {}

  final LinkedBlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
  final QueueGateway gateway = gateway("");

  /**
   * A gateway with max-batch-size 3, max-backlog 4, ask-timeout 1s and accept-deadline 1s (one
   * send per batch) whose batches land in {@link #sent}.
   */
  QueueGateway gateway(String moreSettings) {
    QueueSettings settings = TestQueues.settings("relay.queue.gateway { max-batch-size = 3, "
        + "max-backlog = 4, ask-timeout = 1s, accept-deadline = 1s }\n" + moreSettings);
    return new QueueGateway(settings, (queue, batch, timeout) -> {
      Sent s = new Sent(queue, batch, timeout, new CompletableFuture<>(), System.nanoTime());
      sent.add(s);
      return s.reply();
    });
  }

  static QueuedMessage m(String id) {
    return TestQueues.message(id, "s@x.example", "a@d.example");
  }

  static List<String> ids(Sent s) {
    return s.batch().stream().map(QueuedMessage::queueId).toList();
  }

  Sent next() throws InterruptedException {
    Sent s = sent.poll(5, TimeUnit.SECONDS);
    assertTrue(s != null, "a batch was sent");
    return s;
  }

  static EnqueueOutcome outcome(CompletionStage<EnqueueOutcome> f) throws Exception {
    return f.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void theFirstEnqueueGoesAtOnceAndLaterOnesLeaveTogetherWhenTheReplyComes() throws Exception {
    CompletionStage<EnqueueOutcome> f1 = gateway.enqueue("d.example", m("Q1"));
    Sent first = next();
    assertEquals(List.of("Q1"), ids(first));

    List<CompletionStage<EnqueueOutcome>> waiting = new ArrayList<>();
    for (String id : List.of("Q2", "Q3", "Q4", "Q5")) {
      waiting.add(gateway.enqueue("d.example", m(id)));
    }
    assertNull(sent.poll(100, TimeUnit.MILLISECONDS), "nothing leaves while a batch is in flight");
    assertEquals(4, gateway.backlog(SubQueueId.whole("d.example")));
    assertFalse(f1.toCompletableFuture().isDone());

    first.reply().complete(ACCEPTED);
    assertEquals(ACCEPTED, outcome(f1));
    Sent second = next();
    assertEquals(List.of("Q2", "Q3", "Q4"), ids(second), "max-batch-size = 3");
    second.reply().complete(ACCEPTED);
    Sent third = next();
    assertEquals(List.of("Q5"), ids(third));
    third.reply().complete(ACCEPTED);
    for (CompletionStage<EnqueueOutcome> f : waiting) {
      assertEquals(ACCEPTED, outcome(f));
    }
    assertEquals(0, gateway.backlog(SubQueueId.whole("d.example")));
  }

  @Test
  void aFullBacklogFailsAtOnceAndLeavesTheOthersAlone() throws Exception {
    gateway.enqueue("d.example", m("Q0"));
    Sent first = next();
    List<CompletionStage<EnqueueOutcome>> waiting = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      waiting.add(gateway.enqueue("d.example", m("Q" + i)));
    }
    CompletionStage<EnqueueOutcome> over = gateway.enqueue("d.example", m("Q5"));
    assertInstanceOf(EnqueueOutcome.BacklogFull.class, outcome(over));

    first.reply().complete(ACCEPTED);
    next().reply().complete(ACCEPTED);
    next().reply().complete(ACCEPTED);
    for (CompletionStage<EnqueueOutcome> f : waiting) {
      assertEquals(ACCEPTED, outcome(f));
    }
  }

  @Test
  void domainsDoNotWaitForEachOtherAndCaseDoesNotMatter() throws Exception {
    gateway.enqueue("a.example", m("Q1"));
    Sent a = next();
    gateway.enqueue("B.Example", m("Q2"));
    Sent b = next();
    assertEquals(SubQueueId.whole("a.example"), a.queue());
    assertEquals(SubQueueId.whole("b.example"), b.queue());
    gateway.enqueue("b.EXAMPLE", m("Q3"));
    assertNull(sent.poll(100, TimeUnit.MILLISECONDS), "b.example has a batch in flight");
    b.reply().complete(ACCEPTED);
    assertEquals(List.of("Q3"), ids(next()));
  }

  @Test
  void aBatchWithNoAnswerIsSentAgainUntilTheDeadlineAndOnlyThenIsUnknown() throws Exception {
    QueueGateway retrying = gateway("relay.queue.gateway.accept-deadline = 3s");
    long started = System.nanoTime();
    CompletionStage<EnqueueOutcome> f1 = retrying.enqueue("d.example", m("Q1"));
    Sent first = next();
    first.reply().completeExceptionally(new TimeoutException("ask timed out"));
    CompletionStage<EnqueueOutcome> f2 = retrying.enqueue("d.example", m("Q2"));
    Sent again = next();
    assertEquals(List.of("Q1"), ids(again), "the same batch again, the newcomer still waits");
    assertTrue(again.atNanos() - first.atNanos() >= TimeUnit.MILLISECONDS.toNanos(
        QueueGateway.RESEND_GAP_MILLIS), "sends at least 200 ms apart");
    assertFalse(f1.toCompletableFuture().isDone());
    again.reply().complete(ACCEPTED);
    assertEquals(ACCEPTED, outcome(f1));

    // the queue answers nothing: every failure, not only a timeout, is sent again
    Sent second = next();
    assertEquals(List.of("Q2"), ids(second));
    second.reply().completeExceptionally(new IllegalStateException("journal down"));
    int sends = 1;
    while (!f2.toCompletableFuture().isDone()
        && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10)) {
      Sent s = sent.poll(100, TimeUnit.MILLISECONDS);
      if (s != null) {
        assertTrue(s.timeout().compareTo(Duration.ofSeconds(1)) <= 0, "never beyond ask-timeout");
        s.reply().completeExceptionally(new TimeoutException("ask timed out"));
        sends++;
      }
    }
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    EnqueueOutcome unknown = outcome(f2);
    assertNull(sent.poll(300, TimeUnit.MILLISECONDS), "nothing sent after the deadline");
    assertInstanceOf(EnqueueOutcome.Unknown.class, unknown);
    assertTrue(sends >= 5 && sends <= 16, sends + " sends in the 3 s deadline");
    assertTrue(tookMillis < 6_000, "unknown after " + tookMillis + " ms");
  }

  @Test
  void aRefusalIsFinalAndTheLaneGoesOn() throws Exception {
    CompletionStage<EnqueueOutcome> f1 = gateway.enqueue("d.example", m("Q1"));
    Sent first = next();
    CompletionStage<EnqueueOutcome> f2 = gateway.enqueue("d.example", m("Q2"));
    CompletionStage<EnqueueOutcome> f3 = gateway.enqueue("d.example", m("Q3"));
    EnqueueOutcome full = new EnqueueOutcome.QueueFull("d.example holds 9 of at most 9");
    first.reply().complete(full);
    assertEquals(full, outcome(f1));

    Sent second = next();
    assertEquals(List.of("Q2", "Q3"), ids(second), "a refusal is not sent again");
    second.reply().complete(full);
    assertEquals(full, outcome(f2));
    assertEquals(full, outcome(f3));

    CompletionStage<EnqueueOutcome> f4 = gateway.enqueue("d.example", m("Q4"));
    next().reply().complete(ACCEPTED);
    assertEquals(ACCEPTED, outcome(f4));
    assertNull(sent.poll(100, TimeUnit.MILLISECONDS));
  }

  @Test
  void aSenderThatThrowsIsAnUnansweredSend() throws Exception {
    QueueGateway throwing = new QueueGateway(TestQueues.settings(
        "relay.queue.gateway { ask-timeout = 100ms, accept-deadline = 500ms }"),
        (queue, batch, timeout) -> {
          throw new IllegalStateException("sharding not started");
        });
    assertInstanceOf(EnqueueOutcome.Unknown.class, outcome(throwing.enqueue("d.example",
        m("Q1"))));
  }

  @Test
  void anInvalidDomainIsRefusedWithoutSending() throws Exception {
    assertInstanceOf(EnqueueOutcome.Invalid.class, outcome(gateway.enqueue("../etc", m("Q1"))));
    assertInstanceOf(EnqueueOutcome.Invalid.class,
        outcome(gateway.enqueue("d.example#1", m("Q1"))));
    assertNull(sent.poll(50, TimeUnit.MILLISECONDS));
  }

  @Test
  void aHotDomainsMessagesGoToTheirSubQueueEachWithItsOwnLane() throws Exception {
    QueueGateway hot = gateway("relay.queue.gateway.max-backlog = 10\n"
        + "relay.queue.shaping.domains { \"hot.example\" { sub-queues = 3 } }");
    Map<SubQueueId, List<String>> expected = new HashMap<>();
    List<CompletionStage<EnqueueOutcome>> acks = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String id = "01JD5X7Q" + String.format("%08d", i);
      expected.computeIfAbsent(SubQueueId.forMessage("hot.example", id, 3), q -> new ArrayList<>())
          .add(id);
      acks.add(hot.enqueue("Hot.Example", m(id)));
    }
    assertEquals(3, expected.size(), "12 ids use all three sub-queues: " + expected);

    // one batch in flight per sub-queue at once, never one per domain
    Map<SubQueueId, List<String>> delivered = new HashMap<>();
    Map<SubQueueId, Sent> inFlight = new HashMap<>();
    while (inFlight.size() < 3) {
      Sent s = next();
      assertNull(inFlight.put(s.queue(), s), "two batches in flight for " + s.queue());
    }
    assertNull(sent.poll(100, TimeUnit.MILLISECONDS), "every lane has its batch in flight");
    while (!inFlight.isEmpty()) {
      Sent s = inFlight.values().iterator().next();
      delivered.computeIfAbsent(s.queue(), q -> new ArrayList<>()).addAll(ids(s));
      inFlight.remove(s.queue());
      s.reply().complete(ACCEPTED);
      Sent following = sent.poll(200, TimeUnit.MILLISECONDS);
      if (following != null) {
        assertEquals(s.queue(), following.queue(), "the lane that got its reply sends next");
        inFlight.put(following.queue(), following);
      }
    }
    assertEquals(expected, delivered, "each message reaches the sub-queue its id hashes to");
    for (CompletionStage<EnqueueOutcome> ack : acks) {
      assertEquals(ACCEPTED, outcome(ack));
    }
    for (SubQueueId q : expected.keySet()) {
      assertEquals("hot.example", q.domain());
    }

    // a retried enqueue of the same message goes to the same sub-queue again
    String again = expected.get(new SubQueueId("hot.example", 2)).get(0);
    hot.enqueue("hot.example", m(again));
    Sent retry = next();
    assertEquals(new SubQueueId("hot.example", 2), retry.queue());
    assertEquals(List.of(again), ids(retry));
  }
}

package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.junit.jupiter.api.Test;

/**
 * Batching per domain in the gateway, with the send step in the test's hands: one batch in
 * flight per domain, the rest waiting, bounded both ways, every caller told the result.
 */
class QueueGatewayTest {

  record Sent(SubQueueId queue, List<QueuedMessage> batch, CompletableFuture<Done> reply) {}

  final LinkedBlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
  final QueueGateway gateway = gateway("");

  /**
   * A gateway with max-batch-size 3, max-backlog 4 and one attempt per batch whose batches land
   * in {@link #sent}.
   */
  QueueGateway gateway(String moreSettings) {
    QueueSettings settings = TestQueues.settings(
        "relay.queue.gateway { max-batch-size = 3, max-backlog = 4, ask-timeout = 1s, ask-attempts = 1 }\n"
            + moreSettings);
    return new QueueGateway(settings, (queue, batch) -> {
      Sent s = new Sent(queue, batch, new CompletableFuture<>());
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

  static EnqueueRefusedException refusal(CompletionStage<Done> f) throws Exception {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> f.toCompletableFuture().get(5, TimeUnit.SECONDS));
    return assertInstanceOf(EnqueueRefusedException.class, e.getCause());
  }

  @Test
  void theFirstEnqueueGoesAtOnceAndLaterOnesLeaveTogetherWhenTheReplyComes() throws Exception {
    CompletionStage<Done> f1 = gateway.enqueue("d.example", m("Q1"));
    Sent first = next();
    assertEquals(List.of("Q1"), ids(first));

    List<CompletionStage<Done>> waiting = new ArrayList<>();
    for (String id : List.of("Q2", "Q3", "Q4", "Q5")) {
      waiting.add(gateway.enqueue("d.example", m(id)));
    }
    assertNull(sent.poll(100, TimeUnit.MILLISECONDS), "nothing leaves while a batch is in flight");
    assertEquals(4, gateway.backlog(SubQueueId.whole("d.example")));
    assertFalse(f1.toCompletableFuture().isDone());

    first.reply().complete(Done.getInstance());
    assertEquals(Done.getInstance(), f1.toCompletableFuture().get(5, TimeUnit.SECONDS));
    Sent second = next();
    assertEquals(List.of("Q2", "Q3", "Q4"), ids(second), "max-batch-size = 3");
    second.reply().complete(Done.getInstance());
    Sent third = next();
    assertEquals(List.of("Q5"), ids(third));
    third.reply().complete(Done.getInstance());
    for (CompletionStage<Done> f : waiting) {
      assertEquals(Done.getInstance(), f.toCompletableFuture().get(5, TimeUnit.SECONDS));
    }
    assertEquals(0, gateway.backlog(SubQueueId.whole("d.example")));
  }

  @Test
  void aFullBacklogFailsAtOnceAndLeavesTheOthersAlone() throws Exception {
    gateway.enqueue("d.example", m("Q0"));
    Sent first = next();
    List<CompletionStage<Done>> waiting = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      waiting.add(gateway.enqueue("d.example", m("Q" + i)));
    }
    CompletionStage<Done> over = gateway.enqueue("d.example", m("Q5"));
    assertEquals(EnqueueRefusedException.Reason.BACKLOG_FULL, refusal(over).reason());

    first.reply().complete(Done.getInstance());
    next().reply().complete(Done.getInstance());
    next().reply().complete(Done.getInstance());
    for (CompletionStage<Done> f : waiting) {
      f.toCompletableFuture().get(5, TimeUnit.SECONDS);
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
    b.reply().complete(Done.getInstance());
    assertEquals(List.of("Q3"), ids(next()));
  }

  @Test
  void aBatchWhoseReplyTimedOutIsSentAgainUpToTheAttemptsAndOnlyThenFails() throws Exception {
    QueueGateway retrying = gateway("relay.queue.gateway.ask-attempts = 3");
    CompletionStage<Done> f1 = retrying.enqueue("d.example", m("Q1"));
    next().reply().completeExceptionally(new TimeoutException("ask timed out"));
    CompletionStage<Done> f2 = retrying.enqueue("d.example", m("Q2"));
    Sent again = next();
    assertEquals(List.of("Q1"), ids(again), "the same batch again, the newcomer still waits");
    assertFalse(f1.toCompletableFuture().isDone());
    again.reply().complete(Done.getInstance());
    assertEquals(Done.getInstance(), f1.toCompletableFuture().get(5, TimeUnit.SECONDS));

    Sent second = next();
    assertEquals(List.of("Q2"), ids(second));
    second.reply().completeExceptionally(new TimeoutException("ask timed out"));
    next().reply().completeExceptionally(new TimeoutException("ask timed out"));
    next().reply().completeExceptionally(new TimeoutException("ask timed out"));
    assertEquals(EnqueueRefusedException.Reason.TIMEOUT, refusal(f2).reason(), "after 3 attempts");
    assertNull(sent.poll(100, TimeUnit.MILLISECONDS), "no fourth attempt");
  }

  @Test
  void aWriteThatFailedIsNotSentAgain() throws Exception {
    QueueGateway retrying = gateway("relay.queue.gateway.ask-attempts = 3");
    CompletionStage<Done> f1 = retrying.enqueue("d.example", m("Q1"));
    next().reply().completeExceptionally(new IllegalStateException("journal down"));
    assertEquals(EnqueueRefusedException.Reason.FAILED, refusal(f1).reason());
    assertNull(sent.poll(100, TimeUnit.MILLISECONDS), "a refusal or failure is final");
  }

  @Test
  void aFailedWriteFailsEveryMessageOfItsBatchAndTheLaneGoesOn() throws Exception {
    CompletionStage<Done> f1 = gateway.enqueue("d.example", m("Q1"));
    Sent first = next();
    CompletionStage<Done> f2 = gateway.enqueue("d.example", m("Q2"));
    CompletionStage<Done> f3 = gateway.enqueue("d.example", m("Q3"));
    first.reply().completeExceptionally(new TimeoutException("ask timed out"));
    assertEquals(EnqueueRefusedException.Reason.TIMEOUT, refusal(f1).reason());

    Sent second = next();
    second.reply().completeExceptionally(new IllegalStateException("journal down"));
    assertEquals(EnqueueRefusedException.Reason.FAILED, refusal(f2).reason());
    assertEquals(EnqueueRefusedException.Reason.FAILED, refusal(f3).reason());

    CompletionStage<Done> f4 = gateway.enqueue("d.example", m("Q4"));
    next().reply().complete(Done.getInstance());
    f4.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void anInvalidDomainIsRefusedWithoutSending() throws Exception {
    assertEquals(EnqueueRefusedException.Reason.INVALID,
        refusal(gateway.enqueue("../etc", m("Q1"))).reason());
    assertEquals(EnqueueRefusedException.Reason.INVALID,
        refusal(gateway.enqueue("d.example#1", m("Q1"))).reason());
    assertNull(sent.poll(50, TimeUnit.MILLISECONDS));
  }

  @Test
  void aHotDomainsMessagesGoToTheirSubQueueEachWithItsOwnLane() throws Exception {
    QueueGateway hot = gateway("relay.queue.gateway.max-backlog = 10\n"
        + "relay.queue.shaping.domains { \"hot.example\" { sub-queues = 3 } }");
    Map<SubQueueId, List<String>> expected = new HashMap<>();
    List<CompletionStage<Done>> acks = new ArrayList<>();
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
      s.reply().complete(Done.getInstance());
      Sent following = sent.poll(200, TimeUnit.MILLISECONDS);
      if (following != null) {
        assertEquals(s.queue(), following.queue(), "the lane that got its reply sends next");
        inFlight.put(following.queue(), following);
      }
    }
    assertEquals(expected, delivered, "each message reaches the sub-queue its id hashes to");
    for (CompletionStage<Done> ack : acks) {
      ack.toCompletableFuture().get(5, TimeUnit.SECONDS);
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

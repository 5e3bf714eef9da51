package relay.persistence.queue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import relay.persistence.OnReplyingThread;

/**
 * The node's way into the delivery queues: {@link #enqueue} one message for one domain and learn
 * what became of it. The message goes to the domain's queue, or, for a domain spread over several
 * sub-queues ({@code sub-queues} in its shaping), to the sub-queue its fingerprint (or queue id)
 * picks ({@link QueueSettings#subQueueFor}), so a retry reaches the entity that already knows it.
 *
 * <p>Batches per queue by itself: while one {@link DeliveryQueue.Enqueue} to a queue (a lane) is
 * in flight, further enqueues for it wait (at most {@code max-backlog}) and leave together, up to
 * {@code max-batch-size} per batch, as soon as the reply comes. So one hot queue costs one journal
 * write per round trip, not one per message, and an idle queue gets its write at once; the
 * sub-queues of a domain have lanes of their own and write in parallel.
 *
 * <p><b>Never a refusal for a message that may be persisted.</b> A batch whose reply does not
 * come (the ask timed out, the queue is moving to another node, the journal is slow) is sent
 * again, at least {@value #RESEND_GAP_MILLIS} ms apart, until the queue answers or {@code
 * accept-deadline} has passed; the queue skips what it already holds, so a repeat never queues a
 * message twice. The result is an {@link EnqueueOutcome}: accepted, refused (certainly not
 * persisted: the backlog was full, the queue full, the batch invalid), or, when the deadline
 * passed without an answer, {@link EnqueueOutcome.Unknown}. The returned stage never fails.
 *
 * <p>Thread-safe; one instance per node.
 */
public final class QueueGateway {

  /** Least time between two sends of one batch, so that a queue that fails fast is not hammered. */
  static final long RESEND_GAP_MILLIS = 200;

  /** Sends one batch to one queue and completes with its reply; may fail or time out. */
  @FunctionalInterface
  interface Sender {
    CompletionStage<EnqueueOutcome> send(SubQueueId queue, List<QueuedMessage> batch,
        Duration timeout);
  }

  private final GatewaySettings settings;
  private final QueueSettings queues;
  private final Sender sender;
  private final Map<SubQueueId, Lane> lanes = new HashMap<>();

  /**
   * Sends through Cluster Sharding to {@link DeliveryQueue#TYPE_KEY} entities; the sub-queue
   * count per domain and the batching come from {@code settings}.
   */
  public QueueGateway(ActorSystem<?> system, QueueSettings settings) {
    this(settings, viaSharding(ClusterSharding.get(system)));
  }

  /** With another way to send a batch (tests of the batching and re-sending). */
  QueueGateway(QueueSettings settings, Sender sender) {
    this.queues = Objects.requireNonNull(settings, "settings");
    this.settings = settings.gateway();
    this.sender = Objects.requireNonNull(sender, "sender");
  }

  private static Sender viaSharding(ClusterSharding sharding) {
    return (target, batch, timeout) -> sharding
        .entityRefFor(DeliveryQueue.TYPE_KEY, target.entityId())
        .ask(replyTo -> new DeliveryQueue.Enqueue(batch, replyTo), timeout);
  }

  private record Waiting(QueuedMessage message, CompletableFuture<EnqueueOutcome> outcome) {}

  /** Per queue: enqueues waiting, and whether a batch is in flight. */
  private static final class Lane {
    final ArrayDeque<Waiting> backlog = new ArrayDeque<>();
    boolean inFlight;
  }

  /**
   * Enqueues one message for one destination domain; completes with what became of it, never
   * exceptionally.
   */
  public CompletionStage<EnqueueOutcome> enqueue(String domain, QueuedMessage message) {
    SubQueueId key;
    try {
      Objects.requireNonNull(message, "message");
      key = queues.subQueueFor(domain, message);
    } catch (IllegalArgumentException | NullPointerException e) {
      return CompletableFuture.completedFuture(new EnqueueOutcome.Invalid(e.getMessage()));
    }
    Waiting waiting = new Waiting(message, new CompletableFuture<>());
    List<Waiting> batch;
    synchronized (lanes) {
      Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
      if (lane.backlog.size() >= settings.maxBacklog()) {
        return CompletableFuture.completedFuture(new EnqueueOutcome.BacklogFull(
            settings.maxBacklog() + " enqueues already waiting for " + key));
      }
      lane.backlog.add(waiting);
      batch = lane.inFlight ? null : takeBatch(lane);
    }
    if (batch != null) {
      new Delivery(key, batch).send();
    }
    return waiting.outcome();
  }

  /** Enqueues waiting for one queue behind its batch in flight (for metrics). */
  public int backlog(SubQueueId queue) {
    synchronized (lanes) {
      Lane lane = lanes.get(queue);
      return lane == null ? 0 : lane.backlog.size();
    }
  }

  private List<Waiting> takeBatch(Lane lane) {
    List<Waiting> batch = new ArrayList<>(Math.min(lane.backlog.size(), settings.maxBatchSize()));
    while (!lane.backlog.isEmpty() && batch.size() < settings.maxBatchSize()) {
      batch.add(lane.backlog.poll());
    }
    lane.inFlight = true;
    return batch;
  }

  /** One batch on its way to its queue: sent, and sent again, until answered or out of time. */
  private final class Delivery {
    private final SubQueueId key;
    private final List<Waiting> batch;
    private final List<QueuedMessage> messages;
    private final long deadline;
    private int attempts;
    private Throwable lastFailure;

    Delivery(SubQueueId key, List<Waiting> batch) {
      this.key = key;
      this.batch = batch;
      this.messages = batch.stream().map(Waiting::message).toList();
      this.deadline = System.nanoTime() + settings.acceptDeadline().toNanos();
    }

    void send() {
      long started = System.nanoTime();
      long left = deadline - started;
      attempts++;
      CompletionStage<EnqueueOutcome> reply;
      try {
        Duration timeout = Duration.ofNanos(Math.min(settings.askTimeout().toNanos(), left));
        reply = sender.send(key, messages, timeout);
      } catch (RuntimeException e) {
        reply = CompletableFuture.failedFuture(e);
      }
      reply.whenCompleteAsync((outcome, err) -> {
        if (err == null && outcome != null && !(outcome instanceof EnqueueOutcome.Unknown)) {
          finish(outcome);
          return;
        }
        lastFailure = err;
        long gap = TimeUnit.MILLISECONDS.toNanos(RESEND_GAP_MILLIS);
        long next = Math.max(System.nanoTime(), started + gap);
        if (next + gap > deadline) {
          finish(new EnqueueOutcome.Unknown("no answer from " + key + " in " + attempts
              + " attempts within " + settings.acceptDeadline() + (lastFailure == null ? ""
                  : ", last: " + lastFailure)));
          return;
        }
        // idempotent: the queue skips what it already holds
        CompletableFuture.delayedExecutor(next - System.nanoTime(), TimeUnit.NANOSECONDS,
            OnReplyingThread.EXECUTOR).execute(this::send);
      }, OnReplyingThread.EXECUTOR);
    }

    private void finish(EnqueueOutcome outcome) {
      batch.forEach(w -> w.outcome().complete(outcome));
      List<Waiting> next;
      synchronized (lanes) {
        Lane lane = lanes.get(key);
        lane.inFlight = false;
        if (lane.backlog.isEmpty()) {
          lanes.remove(key);
          next = null;
        } else {
          next = takeBatch(lane);
        }
      }
      if (next != null) {
        new Delivery(key, next).send();
      }
    }
  }
}

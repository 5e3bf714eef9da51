package relay.persistence.queue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import relay.persistence.OnReplyingThread;

/**
 * The node's way into the delivery queues: {@link #enqueue} one message for one domain and learn
 * when it is persisted. The message goes to the domain's queue, or, for a domain spread over
 * several sub-queues ({@code sub-queues} in its shaping), to the sub-queue its queue id hashes to
 * ({@link SubQueueId#forMessage}), so a retried enqueue reaches the entity that already knows it.
 *
 * <p>Batches per queue by itself: while one {@code EnqueueBatch} to a queue (a lane) is in
 * flight, further enqueues for it wait (at most {@code max-backlog}) and leave together, up to
 * {@code max-batch-size} per batch, as soon as the reply comes. So one hot queue costs one journal
 * write per round trip, not one per message, and an idle queue gets its write at once; the
 * sub-queues of a domain have lanes of their own and write in parallel.
 *
 * <p>Thread-safe; one instance per node. A batch whose reply does not come in time is sent again,
 * up to {@code ask-attempts} times. Failures are {@link EnqueueRefusedException}s: the backlog is
 * full (at once, without waiting), the queue refused (full or invalid), every attempt timed out,
 * or the write failed.
 */
public final class QueueGateway {

  private final GatewaySettings settings;
  private final QueueSettings queues;
  private final BiFunction<SubQueueId, List<QueuedMessage>, CompletionStage<Done>> send;
  private final Map<SubQueueId, Lane> lanes = new HashMap<>();

  /**
   * Sends through Cluster Sharding to {@link DeliveryQueue#TYPE_KEY} entities; the sub-queue
   * count per domain and the batching come from {@code settings}.
   */
  public QueueGateway(ActorSystem<?> system, QueueSettings settings) {
    this(settings, viaSharding(ClusterSharding.get(system), settings.gateway().askTimeout()));
  }

  /** With another way to send a batch (tests of the batching itself). */
  QueueGateway(QueueSettings settings,
      BiFunction<SubQueueId, List<QueuedMessage>, CompletionStage<Done>> send) {
    this.queues = Objects.requireNonNull(settings, "settings");
    this.settings = settings.gateway();
    this.send = Objects.requireNonNull(send, "send");
  }

  private static BiFunction<SubQueueId, List<QueuedMessage>, CompletionStage<Done>> viaSharding(
      ClusterSharding sharding, Duration timeout) {
    return (target, batch) -> {
      EntityRef<DeliveryQueue.Command> queue =
          sharding.entityRefFor(DeliveryQueue.TYPE_KEY, target.entityId());
      CompletionStage<StatusReply<Done>> reply =
          queue.ask(replyTo -> new DeliveryQueue.EnqueueBatch(batch, replyTo), timeout);
      return reply.thenComposeAsync(r -> r.isSuccess()
          ? CompletableFuture.completedFuture(Done.getInstance())
          : CompletableFuture.failedFuture(new QueueRefusal(r.getError().getMessage())),
          OnReplyingThread.EXECUTOR);
    };
  }

  /** The queue answered with an error reply (nothing persisted). */
  private static final class QueueRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    QueueRefusal(String message) {
      super(message, null, false, false);
    }
  }

  private record Waiting(QueuedMessage message, CompletableFuture<Done> done) {}

  /** Per queue: enqueues waiting, and whether a batch is in flight. */
  private static final class Lane {
    final ArrayDeque<Waiting> backlog = new ArrayDeque<>();
    boolean inFlight;
  }

  /**
   * Enqueues one message for one destination domain; completes when the queue (or sub-queue) of
   * the domain that serves the message persisted it, or fails with {@link
   * EnqueueRefusedException}.
   */
  public CompletionStage<Done> enqueue(String domain, QueuedMessage message) {
    SubQueueId key;
    try {
      Objects.requireNonNull(message, "message");
      key = queues.subQueueFor(domain, message);
    } catch (IllegalArgumentException | NullPointerException e) {
      return CompletableFuture.failedFuture(
          new EnqueueRefusedException(EnqueueRefusedException.Reason.INVALID, e.getMessage(), e));
    }
    Waiting waiting = new Waiting(message, new CompletableFuture<>());
    List<Waiting> batch;
    synchronized (lanes) {
      Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
      if (lane.backlog.size() >= settings.maxBacklog()) {
        return CompletableFuture.failedFuture(new EnqueueRefusedException(
            EnqueueRefusedException.Reason.BACKLOG_FULL,
            settings.maxBacklog() + " enqueues already waiting for " + key, null));
      }
      lane.backlog.add(waiting);
      batch = lane.inFlight ? null : takeBatch(lane);
    }
    if (batch != null) {
      sendBatch(key, batch);
    }
    return waiting.done();
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

  private void sendBatch(SubQueueId key, List<Waiting> batch) {
    sendBatch(key, batch, 1);
  }

  private void sendBatch(SubQueueId key, List<Waiting> batch, int attempt) {
    CompletionStage<Done> sent;
    try {
      sent = send.apply(key, batch.stream().map(Waiting::message).toList());
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((ok, err) -> {
      if (err != null && isTimeout(err) && attempt < settings.askAttempts()) {
        sendBatch(key, batch, attempt + 1); // idempotent: the queue skips what it already holds
        return;
      }
      if (err == null) {
        batch.forEach(w -> w.done().complete(Done.getInstance()));
      } else {
        EnqueueRefusedException refused = refusal(key, err);
        batch.forEach(w -> w.done().completeExceptionally(refused));
      }
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
        sendBatch(key, next);
      }
    });
  }

  private static boolean isTimeout(Throwable err) {
    return unwrapped(err) instanceof TimeoutException;
  }

  private static Throwable unwrapped(Throwable err) {
    return err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
  }

  private static EnqueueRefusedException refusal(SubQueueId queue, Throwable err) {
    Throwable cause = unwrapped(err);
    if (cause instanceof QueueRefusal r) {
      EnqueueRefusedException.Reason reason = r.getMessage().startsWith(DeliveryQueue.QUEUE_FULL)
          ? EnqueueRefusedException.Reason.QUEUE_FULL : EnqueueRefusedException.Reason.INVALID;
      return new EnqueueRefusedException(reason, r.getMessage(), null);
    }
    if (cause instanceof TimeoutException) {
      return new EnqueueRefusedException(EnqueueRefusedException.Reason.TIMEOUT,
          "no confirmation from the queue " + queue, cause);
    }
    return new EnqueueRefusedException(EnqueueRefusedException.Reason.FAILED,
        "enqueue to " + queue + " failed: " + cause, cause);
  }
}

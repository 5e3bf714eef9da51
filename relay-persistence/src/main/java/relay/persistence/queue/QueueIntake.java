package relay.persistence.queue;

import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import relay.persistence.queue.DeliveryQueue.Event;
import relay.persistence.queue.DeliveryQueue.MessagesEnqueued;

/**
 * The enqueue side of a {@link DeliveryQueue}: both enqueue commands ({@code Enqueue} and the
 * previous version's {@code EnqueueBatch}) checked by {@link EnqueueCheck}, fresh messages
 * persisted as one {@link MessagesEnqueued} and handed to delivery, a client's retry of a
 * message already taken acknowledged and its spool reference released; and the status reply.
 */
final class QueueIntake {

  private final SubQueueId queue;
  private final QueueSettings settings;
  private final QueueDeliveries deliveries;
  private final QueueFollowUp followUp;
  private final Clock clock;

  QueueIntake(SubQueueId queue, QueueSettings settings, QueueDeliveries deliveries,
      QueueFollowUp followUp, Clock clock) {
    this.queue = queue;
    this.settings = settings;
    this.deliveries = deliveries;
    this.followUp = followUp;
    this.clock = clock;
  }

  /** Both enqueue commands: {@code reply} turns the outcome into the command's reply type. */
  <R> ReplyEffect<Event, QueueState> enqueue(EffectFactories<Event, QueueState> effect,
      QueueState state, List<QueuedMessage> messages, ActorRef<R> replyTo,
      Function<EnqueueOutcome, R> reply) {
    EnqueueCheck check = EnqueueCheck.of(state, messages, settings.maxPendingMessages(), queue,
        clock.instant());
    if (check.refusal().isPresent()) {
      return effect.reply(replyTo, reply.apply(check.refusal().get()));
    }
    R accepted = reply.apply(EnqueueOutcome.Accepted.ACCEPTED);
    if (check.fresh().isEmpty()) {
      followUp.releaseRetries(check.retries());
      return effect.reply(replyTo, accepted);
    }
    return effect.persist(new MessagesEnqueued(check.fresh(), clock.instant()))
        .thenRun(deliveries::dispatch)
        .thenRun(s -> followUp.releaseRetries(check.retries()))
        .thenReply(replyTo, s -> accepted);
  }

  /** The reply of the previous version's {@code EnqueueBatch}. */
  static StatusReply<Done> legacyReply(EnqueueOutcome outcome) {
    if (outcome instanceof EnqueueOutcome.QueueFull full) {
      return StatusReply.error(DeliveryQueue.QUEUE_FULL + full.detail());
    }
    if (outcome instanceof EnqueueOutcome.Refused refused) {
      return StatusReply.error(refused.detail());
    }
    return StatusReply.ack();
  }

  /** What the queue holds right now (the reply to {@code GetStatus}). */
  QueueStatus status(QueueState state) {
    return new QueueStatus(queue.domain(), queue.index(),
        !settings.shapingFor(queue.domain()).configures(queue.index()),
        state.pendingMessageCount(), state.pendingRecipientCount(),
        deliveries.workers().inFlight().size(), deliveries.workers().size(),
        state.pendingDsns().size(), state.oldestReceivedAt());
  }
}

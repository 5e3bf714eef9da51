package relay.persistence.queue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import relay.persistence.queue.DeliveryQueue.BounceAll;
import relay.persistence.queue.DeliveryQueue.ControlDone;
import relay.persistence.queue.DeliveryQueue.DeliveryHeld;
import relay.persistence.queue.DeliveryQueue.DeliveryReleased;
import relay.persistence.queue.DeliveryQueue.Event;
import relay.persistence.queue.DeliveryQueue.Hold;
import relay.persistence.queue.DeliveryQueue.Inspect;
import relay.persistence.queue.DeliveryQueue.RecipientsBounced;
import relay.persistence.queue.DeliveryQueue.Release;
import relay.persistence.queue.DeliveryQueue.RetryNow;
import relay.persistence.queue.DeliveryQueue.RetryRequested;
import relay.protocol.reply.DeliveryReplies;

/**
 * The operator's commands to one {@link DeliveryQueue} (the queues API): inspect, hold, release,
 * retry now, bounce. A hold is persisted ({@link DeliveryHeld}), so it survives a restart and a
 * move of the entity; while held nothing is attempted, attempts in flight finish, new messages
 * are still taken, and the queue does not passivate (so it stays listed and held). Retry-now is
 * persisted too ({@link RetryRequested}: every message due now) and ends a pause of an
 * unreachable destination. A bounce is the ordinary {@link RecipientsBounced} with {@link
 * DeliveryReplies#returnedByOperator}, so DSNs, the event log and spool releases follow as for
 * any bounce; messages in flight are left to their attempt.
 */
final class QueueControl {

  private final SubQueueId queue;
  private final QueueDeliveries deliveries;
  private final QueueFollowUp followUp;
  private final Clock clock;
  private final RecordedReply returned;

  QueueControl(SubQueueId queue, QueueDeliveries deliveries, QueueFollowUp followUp,
      Clock clock) {
    this.queue = queue;
    this.deliveries = deliveries;
    this.followUp = followUp;
    this.clock = clock;
    this.returned = RecordedReply.of(DeliveryReplies.returnedByOperator(queue.domain()));
  }

  QueueReport report(QueueState state, int messageLimit) {
    int deferred = 0;
    List<PendingMessage> first = new ArrayList<>(Math.min(messageLimit, 1000));
    for (PendingMessage m : state.messages()) {
      if (m.attempts() > 0) {
        deferred++;
      }
      if (first.size() < messageLimit) {
        first.add(m);
      }
    }
    return new QueueReport(queue.domain(), queue.index(), state.pendingMessageCount(),
        state.pendingRecipientCount(), deferred, deliveries.workers().inFlight().size(),
        state.oldestReceivedAt(), state.lastFailure(), state.hold(), first);
  }

  ReplyEffect<Event, QueueState> inspect(EffectFactories<Event, QueueState> effect,
      QueueState state, Inspect cmd) {
    return effect.reply(cmd.replyTo(), report(state, Math.max(0, cmd.messageLimit())));
  }

  /** {@code then} runs after a persisted change (dispatch, passivation check). */
  ReplyEffect<Event, QueueState> hold(EffectFactories<Event, QueueState> effect,
      QueueState state, Hold cmd, Consumer<QueueState> then) {
    ControlDone done = new ControlDone(state.pendingMessageCount(), 0);
    if (state.held()) {
      return effect.reply(cmd.replyTo(), done);
    }
    return effect.persist(new DeliveryHeld(cmd.actor(), clock.instant()))
        .thenRun(then::accept)
        .thenReply(cmd.replyTo(), s -> done);
  }

  ReplyEffect<Event, QueueState> release(EffectFactories<Event, QueueState> effect,
      QueueState state, Release cmd, Consumer<QueueState> then) {
    if (!state.held()) {
      return effect.reply(cmd.replyTo(), new ControlDone(0, 0));
    }
    return effect.persist(new DeliveryReleased(cmd.actor(), clock.instant()))
        .thenRun(then::accept)
        .thenReply(cmd.replyTo(), s -> new ControlDone(s.pendingMessageCount(), 0));
  }

  ReplyEffect<Event, QueueState> retryNow(EffectFactories<Event, QueueState> effect,
      QueueState state, RetryNow cmd, Consumer<QueueState> then) {
    deliveries.retryNow();
    java.time.Instant now = clock.instant();
    int later = state.dueAfter(now);
    if (later == 0) {
      then.accept(state);
      return effect.reply(cmd.replyTo(), new ControlDone(0, 0));
    }
    return effect.persist(new RetryRequested(now))
        .thenRun(then::accept)
        .thenReply(cmd.replyTo(), s -> new ControlDone(later, 0));
  }

  /** Bounces up to {@code max} messages not in flight, each with its DSN (none for <>). */
  ReplyEffect<Event, QueueState> bounce(EffectFactories<Event, QueueState> effect,
      QueueState state, BounceAll cmd, Consumer<QueueState> then) {
    java.time.Instant now = clock.instant();
    Set<String> inFlight = deliveries.workers().inFlight();
    List<Event> events = new ArrayList<>();
    List<String> done = new ArrayList<>();
    Map<String, PendingMessage> before = new HashMap<>();
    int left = 0;
    for (PendingMessage m : state.messages()) {
      if (inFlight.contains(m.queueId())) {
        continue;
      }
      if (events.size() >= cmd.max()) {
        left++;
        continue;
      }
      String dsnId = m.hasNullSender() ? "" : m.queueId() + ".X";
      events.add(new RecipientsBounced(m.queueId(), m.recipients(), "", returned, now, dsnId));
      done.add(m.queueId());
      before.put(m.queueId(), m);
    }
    ControlDone reply = new ControlDone(events.size(), left);
    if (events.isEmpty()) {
      return effect.reply(cmd.replyTo(), reply);
    }
    OutcomeWrite write = new OutcomeWrite(List.copyOf(events), List.copyOf(done),
        Map.copyOf(before));
    return effect.persist(events)
        .thenRun(s -> {
          followUp.persisted(s, write);
          then.accept(s);
        })
        .thenReply(cmd.replyTo(), s -> reply);
  }
}

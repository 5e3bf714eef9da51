package relay.persistence.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import relay.persistence.CborSerializable;
import relay.persistence.log.MessageEventLog;

/**
 * The delivery queue of one destination domain: an event-sourced entity, sharded by lower-case
 * domain, that owns every pending message to that domain and decides when each is attempted.
 *
 * <p><b>Sub-queues</b>: a hot domain may be served by several entities ({@code sub-queues} in
 * its shaping; entity ids in {@link SubQueueId}), each owning the messages whose queue id hashes
 * to it and pacing them within its share of the domain's limits ({@link
 * ShapingSettings#forSubQueue}). A sub-queue delivers to its real domain: MX lookup, spool keys,
 * DSNs and the event log use the domain, never the entity id. One that is no longer configured
 * (the count was lowered) still accepts and drains what reaches it, over one connection.
 *
 * <p><b>What it persists</b> (events, never bodies): messages enqueued (one event per batch), and
 * per attempt the recipients delivered, deferred (with attempt number and next attempt time),
 * bounced or expired, the delay warning, and DSNs handed to the node. Time and DSN ids are decided
 * in the command handler and carried by the events, so replay is deterministic.
 *
 * <p><b>Parts</b>: the state ({@link QueueState}) is the pending messages indexed by next attempt time
 * ({@link PendingIndex}, never scanned whole), the DSNs not yet accepted ({@link PendingDsns}) and
 * the recent completions ({@link RecentCompletions}); snapshots go through {@link
 * QueueSnapshotAdapter}. Kept in memory only and rebuilt on every recovery: the delivery side
 * ({@link QueueDeliveries}: at most {@code max-connections} {@link DeliveryWorker}s each holding a
 * connection, the token bucket of {@code messages-per-minute}, the suspension of an unreachable
 * destination, and the outcomes waiting for the next write, grouped up to {@code
 * max-outcomes-per-write} per write, see {@link OutcomeWrite}), and what follows a persisted
 * outcome ({@link QueueFollowUp}: event log lines, DSN submissions, spool releases).
 *
 * <p><b>Life cycle</b>: on recovery it resumes due work and re-submits pending DSNs with no new
 * command; when it has held nothing (no message, no DSN, no worker) for {@code
 * passivate-after-idle} it asks its shard to passivate it, so with remember-entities only
 * non-empty queues come back after a restart. Commands that reach it after it asked go back
 * through sharding to its next incarnation. A journal failure restarts it with backoff.
 *
 * <p><b>Bad input</b>: an {@link Enqueue} that is empty, has an invalid queue id, or would
 * exceed {@code max-pending-messages} is answered with a refusal and persists nothing. Enqueuing a
 * queue id that is pending or recently finished is acknowledged and changes nothing.
 *
 * <p><b>Spool entries</b>: a finished message's body is released after its last event is
 * persisted. A crash in between would leave it behind, so every recovery looks up the newest
 * {@code snapshot-every} + {@value #LEFTOVER_MARGIN} remembered completions in the spool and
 * releases what is still there (all the replay since the last snapshot can hold). A queue
 * never recovered again, or one with {@code remembered-completions = 0}, leaves such a leftover
 * to the orphan sweep ({@link OrphanSweep}, which asks {@link HoldsEntry}).
 */
public final class DeliveryQueue
    extends EventSourcedBehaviorWithEnforcedReplies<DeliveryQueue.Command, DeliveryQueue.Event,
        QueueState> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "DeliveryQueue");

  /** Start of the error text of an {@link EnqueueBatch} refused because the queue is full. */
  public static final String QUEUE_FULL = "queue full: ";

  private static final String STOP_TIMER = "stop-when-drained";
  /**
   * Completions looked up in the spool on recovery beyond the {@code snapshot-every} that the
   * replay can hold: releases still running when the snapshot was taken.
   */
  static final int LEFTOVER_MARGIN = 1000;

  /** Retry recognition of a state read without settings (serialization checks, tests). */
  static final DuplicateSettings DEFAULT_DUPLICATES =
      new DuplicateSettings(Duration.ofHours(24), 100_000);

  /** While stopping, how often the queue checks whether its workers have finished. */
  private static final Duration STOP_CHECK = Duration.ofMillis(100);
  private static final String IDLE_TIMER = "idle";

  // ---------------------------------------------------------------- commands

  /** Everything the queue accepts. Public commands first; the rest are its own plumbing. */
  public sealed interface Command extends CborSerializable
      permits Enqueue, EnqueueBatch, GetStatus, HoldsEntry, CloseIdleConnections, WorkerFinished,
          WorkerStopped, Flush, Wake, DsnSubmitted, DsnFailed, RetryDsns, IdleCheck, Stop,
          Inspect, Hold, Release, RetryNow, BounceAll {}

  /**
   * Adds messages to the queue, persisted as one event; replies {@link EnqueueOutcome.Accepted}
   * once persisted. Idempotent per queue id (and per client message, see {@link
   * RecentMessages}). Refused, nothing persisted, when empty or holding a bad queue id ({@link
   * EnqueueOutcome.Invalid}) or over {@code max-pending-messages} ({@link
   * EnqueueOutcome.QueueFull}).
   */
  public record Enqueue(List<QueuedMessage> messages, ActorRef<EnqueueOutcome> replyTo)
      implements Command {
    public Enqueue {
      messages = messages == null ? List.of() : List.copyOf(messages);
    }
  }

  /**
   * {@link Enqueue} as the previous version sends it: an error reply for a refusal, its text
   * starting with {@link #QUEUE_FULL} for a full queue. Still served so that a node of that
   * version can enqueue to this one during a rolling upgrade.
   */
  public record EnqueueBatch(List<QueuedMessage> messages, ActorRef<StatusReply<Done>> replyTo)
      implements Command {
    public EnqueueBatch {
      messages = messages == null ? List.of() : List.copyOf(messages);
    }
  }

  /** Asks what the queue holds. */
  public record GetStatus(ActorRef<QueueStatus> replyTo) implements Command {}

  /**
   * Asks whether the queue still needs the spool entry of {@code queueId} for its domain: the
   * message is pending, or a DSN about it is (the orphan sweep asks before it removes an entry).
   */
  public record HoldsEntry(String queueId, ActorRef<EntryHeld> replyTo) implements Command {}

  /** The answer to {@link HoldsEntry}. */
  public record EntryHeld(String queueId, boolean held) implements CborSerializable {}

  // operator control (see QueueControl): replies ControlDone with how many messages it touched

  /** What the queue holds, with its first {@code messageLimit} messages (oldest first). */
  public record Inspect(int messageLimit, ActorRef<QueueReport> replyTo) implements Command {}

  /** Operator hold: nothing is attempted until {@link Release}; enqueues are still taken. */
  public record Hold(String actor, ActorRef<ControlDone> replyTo) implements Command {}

  /** Ends an operator hold; what is due is attempted at once. */
  public record Release(String actor, ActorRef<ControlDone> replyTo) implements Command {}

  /** Every pending message not in flight is due now; an unreachable-destination pause ends. */
  public record RetryNow(ActorRef<ControlDone> replyTo) implements Command {}

  /**
   * Bounces (with a DSN to each non-null sender) up to {@code max} pending messages not in
   * flight; {@link ControlDone#remaining} says how many are left to bounce.
   */
  public record BounceAll(int max, ActorRef<ControlDone> replyTo) implements Command {}

  /** The answer to an operator command: messages affected, and left (for a bounce). */
  public record ControlDone(int affected, int remaining) implements CborSerializable {}

  /**
   * A worker finished one attempt; {@code canContinue}: its connection may take another message;
   * {@code destinationUnreachable}: no mail exchanger of the domain could be reached (a transient
   * connection-level failure), so the queue suspends delivery to the domain this round.
   */
  record WorkerFinished(ActorRef<DeliveryWorker.Command> worker, AttemptOutcome outcome,
      boolean canContinue, boolean destinationUnreachable) implements Command {}

  /** A worker stopped (its connection is closed). */
  record WorkerStopped(ActorRef<DeliveryWorker.Command> worker) implements Command {}

  /** Write the outcomes collected so far. */
  record Flush() implements Command {}

  /** Timer: due work or a rate-limit token may be available. */
  record Wake() implements Command {}

  record DsnSubmitted(String dsnId) implements Command {}

  record DsnFailed(String dsnId, String reason) implements Command {}

  /** Timer: submit the DSNs whose submission failed. */
  record RetryDsns() implements Command {}

  /** Timer: the queue has been empty for passivate-after-idle; passivate if it still is. */
  record IdleCheck() implements Command {}

  /** Timer: parked workers have had no work for connection-linger; close their connections. */
  record CloseIdleConnections() implements Command {}

  /**
   * Stop message for passivation and hand-off (see {@link #init}): the queue takes no new work,
   * lets the deliveries in progress finish and persists their outcomes, then stops. Sharding's
   * hand-off timeout bounds the wait.
   */
  record Stop() implements Command {}

  // ---------------------------------------------------------------- events

  /** Everything the queue persists: small, ids and replies only, never bodies. */
  public sealed interface Event extends CborSerializable
      permits MessagesEnqueued, RecipientsDelivered, RecipientsDeferred, RecipientsBounced,
          MessageExpired, DelayWarningSent, DsnQueued, DeliveryHeld, DeliveryReleased,
          RetryRequested {}

  /** A batch of messages entered the queue at {@code at}; each is due at once. */
  public record MessagesEnqueued(List<QueuedMessage> messages, Instant at) implements Event {}

  /** The remote host accepted these recipients (2xx). */
  public record RecipientsDelivered(String queueId, List<String> recipients, String remoteHost,
      RecordedReply reply, Instant at) implements Event {}

  /** A transient failure (4xx); the message is tried again at {@code nextAttemptAt}. */
  public record RecipientsDeferred(String queueId, List<String> recipients, String remoteHost,
      RecordedReply reply, int attempt, Instant nextAttemptAt, Instant at) implements Event {}

  /** A permanent failure (5xx); {@code dsnId} is {@code ""} for a null-sender message. */
  public record RecipientsBounced(String queueId, List<String> recipients, String remoteHost,
      RecordedReply reply, Instant at, String dsnId) implements Event {}

  /** Still deferred at the end of the message's lifetime; {@code lastReply} is the last failure. */
  public record MessageExpired(String queueId, List<String> recipients, String remoteHost,
      RecordedReply lastReply, Instant at, String dsnId) implements Event {}

  /** The one delay warning of a message was decided; the DSN is pending until DsnQueued. */
  public record DelayWarningSent(String queueId, List<FailedRecipient> recipients,
      Instant retryUntil, Instant at, String dsnId) implements Event {}

  /** The DSN port accepted the DSN; it is no longer pending. */
  public record DsnQueued(String dsnId, Instant at) implements Event {}

  /** An operator held the queue: nothing is attempted until released. */
  public record DeliveryHeld(String actor, Instant at) implements Event {}

  /** An operator released the hold. */
  public record DeliveryReleased(String actor, Instant at) implements Event {}

  /** An operator asked to retry now: every pending message is due at {@code at}. */
  public record RetryRequested(Instant at) implements Event {}

  // ---------------------------------------------------------------- state

  /**
   * The persistent form of {@link QueueState} (snapshots and serialization checks).
   * {@code recentMessages} is null in snapshots written before fingerprints existed; {@code
   * hold} and {@code lastFailure} (the newest 4xx/5xx reply) are null in those written before
   * operator holds, and when there is none.
   */
  public record Snapshot(List<PendingMessage> messages, List<PendingDsn> dsns,
      List<String> recentlyCompleted, List<RecentMessages.Entry> recentMessages,
      OperatorHold hold, RecordedReply lastFailure) implements CborSerializable {

    public Snapshot(List<PendingMessage> messages, List<PendingDsn> dsns,
        List<String> recentlyCompleted) {
      this(messages, dsns, recentlyCompleted, null, null, null);
    }
  }

  /** Who held the queue and when. */
  public record OperatorHold(String actor, Instant since) implements CborSerializable {}


  // ---------------------------------------------------------------- factories

  /**
   * Initializes sharding of the queues on this node: entity id = lower-case domain, or {@code
   * "<domain>#<n>"} for sub-queue n (see {@link SubQueueId}), placed on distinct shards by
   * {@link SubQueueShards}. Passivation uses the {@code Stop} message so the queue stops only
   * between commands.
   */
  public static ActorRef<ShardingEnvelope<Command>> init(ActorSystem<?> system,
      QueueSettings settings, DeliveryPorts ports) {
    int shards = ClusterShardingSettings.create(system).numberOfShards();
    return ClusterSharding.get(system).init(
        Entity.of(TYPE_KEY, ctx -> create(ctx, settings, ports)).withStopMessage(new Stop())
            .withMessageExtractor(new SubQueueShards(shards)));
  }

  /** The sharded entity: passivates itself through its shard when empty. */
  public static Behavior<Command> create(EntityContext<Command> entityContext,
      QueueSettings settings, DeliveryPorts ports) {
    return create(entityContext.getEntityId(), Optional.of(entityContext.getShard()), settings,
        ports);
  }

  /**
   * A queue outside sharding (tests, tools): the same behavior without passivation. {@code
   * entityId} is a domain or a sub-queue id ({@link SubQueueId#parse}).
   */
  public static Behavior<Command> create(String entityId, QueueSettings settings,
      DeliveryPorts ports) {
    return create(entityId, Optional.empty(), settings, ports);
  }

  private static Behavior<Command> create(String entityId,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard, QueueSettings settings,
      DeliveryPorts ports) {
    SubQueueId queue = SubQueueId.parse(entityId);
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new DeliveryQueue(queue, shard, settings, ports, context, timers)));
  }

  // ---------------------------------------------------------------- behavior

  /** The entity: which sub-queue of which domain (index 0 for a domain in one queue). */
  private final SubQueueId queue;
  /** The real destination domain: for delivery, spool, DSNs and the event log. */
  private final String domain;
  private final Optional<ActorRef<ClusterSharding.ShardCommand>> shard;
  private final QueueSettings settings;
  private final DeliveryPorts ports;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final MessageEventLog eventLog = new MessageEventLog();
  /** When this incarnation started recovering (for the queue_recovered event). */
  private final long recoveryStartedNanos = System.nanoTime();

  // transient, reset on every recovery (a persist failure restarts this same instance; the
  // QueueState is emptied on PreRestart)
  private final QueueDeliveries deliveries;
  private final QueueFollowUp followUp;
  private final QueueControl control;
  private final QueueIntake intake;
  private boolean passivating;
  /** Stop was asked: no new work; stop once in-flight outcomes are persisted. */
  private boolean stopping;

  private DeliveryQueue(SubQueueId queue, Optional<ActorRef<ClusterSharding.ShardCommand>> shard,
      QueueSettings settings, DeliveryPorts ports, ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    super(PersistenceId.of(TYPE_KEY.name(), queue.persistenceKey(TYPE_KEY.name())),
        SupervisorStrategy.restartWithBackoff(settings.persistFailureMinBackoff(),
            settings.persistFailureMaxBackoff(), settings.persistFailureRandomFactor()));
    this.queue = queue;
    this.domain = queue.domain();
    this.shard = shard;
    this.settings = settings;
    this.ports = ports;
    this.context = context;
    this.timers = timers;
    this.deliveries = new QueueDeliveries(queue, settings, ports, context, timers);
    this.followUp = new QueueFollowUp(queue, settings, ports, eventLog, context, timers);
    this.control = new QueueControl(queue, deliveries, followUp, ports.clock());
    this.intake = new QueueIntake(queue, settings, deliveries, followUp, ports.clock());
  }

  @Override
  public QueueState emptyState() {
    return new QueueState(settings.rememberedCompletions(), settings.duplicates());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SnapshotAdapter<QueueState> snapshotAdapter() {
    return new QueueSnapshotAdapter(settings.rememberedCompletions(), settings.duplicates());
  }

  @Override
  public EventHandler<QueueState, Event> eventHandler() {
    return (state, event) -> state.apply(event);
  }

  @Override
  public SignalHandler<QueueState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(PreRestart.instance(), QueueState::reset)
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, QueueState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Enqueue.class, (state, cmd) -> passivating ? forwardToNextIncarnation(cmd)
            : intake.enqueue(Effect(), state, cmd.messages(), cmd.replyTo(), outcome -> outcome))
        .onCommand(EnqueueBatch.class, (state, cmd) -> passivating ? forwardToNextIncarnation(cmd)
            : intake.enqueue(Effect(), state, cmd.messages(), cmd.replyTo(),
                QueueIntake::legacyReply))
        .onCommand(GetStatus.class, (state, cmd) -> passivating ? forwardToNextIncarnation(cmd)
            : Effect().reply(cmd.replyTo(), intake.status(state)))
        .onCommand(HoldsEntry.class, (state, cmd) -> passivating ? forwardToNextIncarnation(cmd)
            : Effect().reply(cmd.replyTo(),
                new EntryHeld(cmd.queueId(), !state.finished(cmd.queueId()))))
        .onCommand(WorkerFinished.class, this::onWorkerFinished)
        .onCommand(WorkerStopped.class, this::onWorkerStopped)
        .onCommand(Flush.class, this::onFlush)
        .onCommand(Wake.class, (state, cmd) -> {
          deliveries.dispatch(state);
          return Effect().noReply();
        })
        .onCommand(DsnSubmitted.class, this::onDsnSubmitted)
        .onCommand(DsnFailed.class, (state, cmd) -> {
          followUp.failed(cmd);
          return Effect().noReply();
        })
        .onCommand(RetryDsns.class, (state, cmd) -> {
          followUp.submitPendingDsns(state);
          return Effect().noReply();
        })
        .onCommand(IdleCheck.class, (state, cmd) -> {
          passivateIfIdle(state);
          return Effect().noReply();
        })
        .onCommand(Stop.class, this::onStop)
        .onCommand(CloseIdleConnections.class, (state, cmd) -> {
          deliveries.closeParked();
          return Effect().noReply();
        })
        .onCommand(Inspect.class, (state, cmd) -> passivating ? forwardToNextIncarnation(cmd)
            : control.inspect(Effect(), state, cmd))
        .onCommand(Hold.class, (state, cmd) -> passivating ? forwardToNextIncarnation(cmd)
            : control.hold(Effect(), state, cmd, this::changed))
        .onCommand(Release.class, (state, cmd) -> passivating ? forwardToNextIncarnation(cmd)
            : control.release(Effect(), state, cmd, this::changed))
        .onCommand(RetryNow.class, (state, cmd) -> passivating ? forwardToNextIncarnation(cmd)
            : control.retryNow(Effect(), state, cmd, this::changed))
        .onCommand(BounceAll.class, (state, cmd) -> passivating ? forwardToNextIncarnation(cmd)
            : control.bounce(Effect(), state, cmd, this::changed))
        .build();
  }

  private void onRecovered(QueueState state) {
    deliveries.reset();
    passivating = false;
    if (state.pendingMessageCount() > 0) {
      eventLog.queueRecovered(domain, queue.index(), state.pendingMessageCount(),
          state.pendingRecipientCount(), (System.nanoTime() - recoveryStartedNanos) / 1_000_000);
    }
    followUp.recovered(state);
    deliveries.dispatch(state);
    maybePassivate(state);
  }

  /** After asking to passivate, a command goes back through sharding to the next incarnation. */
  private ReplyEffect<Event, QueueState> forwardToNextIncarnation(Command cmd) {
    ClusterSharding.get(context.getSystem()).entityRefFor(TYPE_KEY, queue.entityId()).tell(cmd);
    return Effect().noReply();
  }

  // ---------------------------------------------------------------- workers

  private ReplyEffect<Event, QueueState> onWorkerFinished(QueueState state, WorkerFinished cmd) {
    if (!deliveries.finished(state, cmd)) {
      context.getLog().warn("outcome for {} from an unknown worker ignored", cmd.outcome().queueId());
      return Effect().noReply();
    }
    scheduleFlush();
    return Effect().noReply();
  }

  private ReplyEffect<Event, QueueState> onWorkerStopped(QueueState state, WorkerStopped cmd) {
    if (deliveries.stopped(state, cmd)) {
      scheduleFlush();
    }
    deliveries.dispatch(state);
    maybePassivate(state);
    return Effect().noReply();
  }

  private ReplyEffect<Event, QueueState> onStop(QueueState state, Stop cmd) {
    if (!stopping) {
      stopping = true;
      passivating = true; // dispatch nothing more; commands go to the next incarnation
      deliveries.stop();
    }
    if (!deliveries.workers().busy() && deliveries.unflushed().isEmpty()) {
      return Effect().stop().thenNoReply();
    }
    if (!deliveries.unflushed().isEmpty()) {
      scheduleFlush();
    }
    timers.startSingleTimer(STOP_TIMER, new Stop(), STOP_CHECK);
    return Effect().noReply();
  }

  // ---------------------------------------------------------------- outcomes (group commit)

  private void scheduleFlush() {
    deliveries.scheduleFlush(stopping);
  }

  private ReplyEffect<Event, QueueState> onFlush(QueueState state, Flush cmd) {
    OutcomeWrite write = OutcomeWrite.plan(state, deliveries.nextWrite(), now(), settings);
    if (write.events().isEmpty()) {
      afterOutcomes(state, write);
      return Effect().noReply();
    }
    return Effect().persist(write.events())
        .thenRun(s -> afterOutcomes(s, write))
        .thenNoReply();
  }

  private void afterOutcomes(QueueState state, OutcomeWrite write) {
    deliveries.workers().landed(write.done());
    followUp.persisted(state, write);
    if (!deliveries.unflushed().isEmpty()) {
      scheduleFlush();
    }
    deliveries.dispatch(state);
    maybePassivate(state);
  }

  // ---------------------------------------------------------------- DSNs

  private ReplyEffect<Event, QueueState> onDsnSubmitted(QueueState state, DsnSubmitted cmd) {
    Optional<PendingDsn> dsn = followUp.submitted(state, cmd);
    if (dsn.isEmpty()) {
      return Effect().noReply();
    }
    String queueId = dsn.get().queueId();
    return Effect().persist(new DsnQueued(cmd.dsnId(), now()))
        .thenRun(s -> {
          followUp.releaseIfFinished(s, queueId);
          maybePassivate(s);
        })
        .thenNoReply();
  }

  // ---------------------------------------------------------------- passivation

  /**
   * When the queue holds nothing, starts the idle timer; passivation happens only if the queue is
   * still idle when it fires. Never at once: a command that started this incarnation (waiting in
   * the stash during recovery) is handled first, and a domain with occasional mail is not
   * stopped and recovered for every message.
   */
  private void maybePassivate(QueueState state) {
    if (shard.isPresent() && !passivating && idle(state) && !timers.isTimerActive(IDLE_TIMER)) {
      timers.startSingleTimer(IDLE_TIMER, new IdleCheck(), settings.passivateAfterIdle());
    }
  }

  private void passivateIfIdle(QueueState state) {
    if (shard.isEmpty() || passivating || !idle(state)) {
      return;
    }
    passivating = true;
    deliveries.stop();
    timers.cancelAll();
    shard.get().tell(new ClusterSharding.Passivate<>(context.getSelf()));
  }

  /** Held queues never passivate: the hold stays in force and listed. */
  private boolean idle(QueueState state) {
    return state.isEmpty() && !state.held() && deliveries.idle();
  }

  /** After an operator's change: hand out what is due (nothing while held), maybe passivate. */
  private void changed(QueueState state) {
    deliveries.dispatch(state);
    maybePassivate(state);
  }

  private Instant now() {
    return ports.clock().instant();
  }
}

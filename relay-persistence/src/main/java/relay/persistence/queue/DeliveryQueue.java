package relay.persistence.queue;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
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
import relay.persistence.spool.SpoolNames;

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
 * <p><b>What it keeps in memory only</b> (rebuilt on every recovery): the index of pending messages
 * by next attempt time (part of {@link State}, never scanned whole), the workers and the messages
 * in flight, outcomes waiting for the next journal write, and the rate limiter.
 *
 * <p><b>Delivery</b>: at most {@code max-connections} {@link DeliveryWorker} children, each holding
 * one outbound connection; a worker that finished a message pulls the next due one while it may
 * reuse its connection ({@code messages-per-connection}); {@code messages-per-minute} is a token
 * bucket. Outcomes are written in groups: at low load at once, under load up to {@code
 * max-outcomes-per-write} per write (one atomic write of several events).
 *
 * <p><b>Life cycle</b>: on recovery it resumes due work and re-submits pending DSNs with no new
 * command; when it has held nothing (no message, no DSN, no worker) for {@code
 * passivate-after-idle} it asks its shard to passivate it, so with remember-entities only
 * non-empty queues come back after a restart. Commands that reach it after it asked go back
 * through sharding to its next incarnation. A journal failure restarts it with backoff.
 *
 * <p><b>Bad input</b>: an {@link EnqueueBatch} that is empty, has an invalid queue id, or would
 * exceed {@code max-pending-messages} is answered with an error and persists nothing. Enqueuing a
 * queue id that is pending or recently finished is acknowledged and changes nothing.
 *
 * <p><b>Spool entries</b>: a finished message's body is released after its last event is
 * persisted. A crash in between would leave the body behind, so on every recovery the queue looks
 * up the newest {@code snapshot-every} + {@value #LEFTOVER_MARGIN} of its remembered completions
 * in the spool (one lookup for all of them, off the actor) and releases what is still there. That
 * covers every completion the replay since the last snapshot can hold. XXX: a queue that is never
 * recovered again (it passivated, and no mail for its domain comes back) keeps such a leftover,
 * and with {@code remembered-completions = 0} nothing is looked up.
 */
public final class DeliveryQueue
    extends EventSourcedBehaviorWithEnforcedReplies<DeliveryQueue.Command, DeliveryQueue.Event,
        DeliveryQueue.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "DeliveryQueue");

  private static final RecordedReply WORKER_LOST =
      new RecordedReply(451, "4.3.0", "Delivery worker stopped during the attempt");
  /** Start of the error text of an enqueue refused because the queue is full. */
  public static final String QUEUE_FULL = "queue full: ";

  private static final String WAKE_TIMER = "wake";
  private static final String DSN_TIMER = "dsn-retry";
  private static final String STOP_TIMER = "stop-when-drained";
  private static final String LINGER_TIMER = "connection-linger";
  private static final String FLUSH_TIMER = "flush-outcomes";
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
      permits EnqueueBatch, GetStatus, CloseIdleConnections, WorkerFinished, WorkerStopped, Flush, Wake, DsnSubmitted,
          DsnFailed, RetryDsns, IdleCheck, Stop {}

  /**
   * Adds messages to the queue, persisted as one event; replies ack once persisted. Idempotent per
   * queue id. Refused (error reply, nothing persisted) when empty, holding a bad queue id, or over
   * {@code max-pending-messages}.
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
          MessageExpired, DelayWarningSent, DsnQueued {}

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

  // ---------------------------------------------------------------- state

  /** One pending message: compact, only what scheduling and DSNs need. */
  public record PendingMessage(String queueId, String sender, List<String> recipients, long size,
      Instant receivedAt, boolean eightBit, boolean smtputf8, int attempts, Instant nextAttemptAt,
      boolean delayWarned) implements CborSerializable {

    public PendingMessage {
      recipients = List.copyOf(recipients);
    }

    boolean hasNullSender() {
      return sender.isEmpty();
    }

    DeliveryJob job() {
      return new DeliveryJob(queueId, sender, recipients, size, eightBit, smtputf8, attempts + 1);
    }
  }

  /** A DSN decided and not yet accepted by the DSN port. */
  public record PendingDsn(String dsnId, DsnKind kind, String queueId, String sender,
      Instant receivedAt, List<FailedRecipient> recipients, Optional<Instant> retryUntil)
      implements CborSerializable {

    public PendingDsn {
      recipients = List.copyOf(recipients);
    }

    PendingDsn plus(List<FailedRecipient> more) {
      List<FailedRecipient> all = new ArrayList<>(recipients);
      all.addAll(more);
      return new PendingDsn(dsnId, kind, queueId, sender, receivedAt, all, retryUntil);
    }

    DsnRequest request(String domain) {
      return new DsnRequest(kind, queueId, domain, sender, receivedAt, recipients, retryUntil);
    }
  }

  /**
   * The persistent form of {@link State} (snapshots and serialization checks).
   * {@code recentMessages} is null in snapshots written before fingerprints existed.
   */
  public record Snapshot(List<PendingMessage> messages, List<PendingDsn> dsns,
      List<String> recentlyCompleted, List<RecentMessages.Entry> recentMessages)
      implements CborSerializable {

    public Snapshot(List<PendingMessage> messages, List<PendingDsn> dsns,
        List<String> recentlyCompleted) {
      this(messages, dsns, recentlyCompleted, null);
    }
  }

  /** Key of the due index: next attempt time, then queue id. */
  private record Due(Instant at, String queueId) implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      int c = at.compareTo(o.at);
      return c != 0 ? c : queueId.compareTo(o.queueId);
    }
  }

  /**
   * All pending messages and DSNs of the queue.
   *
   * <p>XXX: mutable on purpose. An immutable copy per event would cost O(n) per write at 100,000
   * pending messages; instead only the event handler mutates it (and returns the same instance),
   * and snapshots go through {@link DeliveryQueue#snapshotAdapter()}, which copies it into an
   * immutable {@link Snapshot} on the actor's thread before the snapshot store sees it.
   */
  public static final class State implements CborSerializable {

    private final LinkedHashMap<String, PendingMessage> messages = new LinkedHashMap<>();
    private final TreeSet<Due> due = new TreeSet<>();
    private final LinkedHashMap<String, PendingDsn> dsns = new LinkedHashMap<>();
    private final Map<String, Integer> dsnsPerMessage = new HashMap<>();
    private final LinkedHashSet<String> recentlyCompleted = new LinkedHashSet<>();
    private final int rememberLimit;
    private long pendingRecipients;
    private RecentMessages recentMessages;

    State(int rememberLimit) {
      this(rememberLimit, DEFAULT_DUPLICATES);
    }

    State(int rememberLimit, DuplicateSettings duplicates) {
      this.rememberLimit = rememberLimit;
      this.recentMessages = new RecentMessages(duplicates);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static State fromSnapshot(Snapshot s) {
      return fromSnapshot(s, 10_000, DEFAULT_DUPLICATES);
    }

    static State fromSnapshot(Snapshot s, int rememberLimit) {
      return fromSnapshot(s, rememberLimit, DEFAULT_DUPLICATES);
    }

    static State fromSnapshot(Snapshot s, int rememberLimit, DuplicateSettings duplicates) {
      State state = new State(rememberLimit, duplicates);
      state.recentMessages = RecentMessages.of(s.recentMessages(), duplicates);
      for (PendingMessage m : s.messages()) {
        state.put(m);
      }
      for (PendingDsn d : s.dsns()) {
        state.dsns.put(d.dsnId(), d);
        state.dsnsPerMessage.merge(d.queueId(), 1, Integer::sum);
      }
      state.recentlyCompleted.addAll(s.recentlyCompleted());
      return state;
    }

    @JsonValue
    public Snapshot toSnapshot() {
      return new Snapshot(List.copyOf(messages.values()), List.copyOf(dsns.values()),
          List.copyOf(recentlyCompleted), recentMessages.entries());
    }

    public Optional<PendingMessage> message(String queueId) {
      return Optional.ofNullable(messages.get(queueId));
    }

    public Collection<PendingDsn> pendingDsns() {
      return java.util.Collections.unmodifiableCollection(dsns.values());
    }

    public int pendingMessageCount() {
      return messages.size();
    }

    public long pendingRecipientCount() {
      return pendingRecipients;
    }

    /** Whether the queue holds nothing: no pending message and no pending DSN. */
    public boolean isEmpty() {
      return messages.isEmpty() && dsns.isEmpty();
    }

    /** Pending, or finished recently enough to be remembered: a repeated enqueue is a no-op. */
    public boolean knows(String queueId) {
      return messages.containsKey(queueId) || recentlyCompleted.contains(queueId);
    }

    /** The fingerprints of messages taken recently ({@link RecentMessages}). */
    RecentMessages recentMessages() {
      return recentMessages;
    }

    /** The newest {@code n} remembered completions, oldest first. */
    List<String> newestCompleted(int n) {
      List<String> all = new ArrayList<>(recentlyCompleted);
      return all.subList(Math.max(0, all.size() - n), all.size());
    }

    /** The spool entry is no longer needed: no recipient pending and no DSN pending. */
    boolean finished(String queueId) {
      return !messages.containsKey(queueId) && !dsnsPerMessage.containsKey(queueId);
    }

    Optional<Instant> oldestReceivedAt() {
      Iterator<PendingMessage> it = messages.values().iterator();
      return it.hasNext() ? Optional.of(it.next().receivedAt()) : Optional.empty();
    }

    /** The first message due at {@code now} that is not in flight; skips at most inFlight.size(). */
    Optional<PendingMessage> firstDue(Instant now, Set<String> inFlight) {
      for (Due d : due) {
        if (d.at().isAfter(now)) {
          return Optional.empty();
        }
        if (!inFlight.contains(d.queueId())) {
          return Optional.of(messages.get(d.queueId()));
        }
      }
      return Optional.empty();
    }

    /** When the next message not in flight is due (may be in the past), empty if none. */
    Optional<Instant> nextDueAt(Set<String> inFlight) {
      for (Due d : due) {
        if (!inFlight.contains(d.queueId())) {
          return Optional.of(d.at());
        }
      }
      return Optional.empty();
    }

    State apply(Event event) {
      if (event instanceof MessagesEnqueued e) {
        for (QueuedMessage m : e.messages()) {
          if (!messages.containsKey(m.queueId())) {
            put(new PendingMessage(m.queueId(), m.sender(), m.recipients(), m.size(),
                m.receivedAt(), m.eightBit(), m.smtputf8(), 0, e.at(), false));
          }
          if (m.fingerprint() != null) {
            recentMessages.add(m.fingerprint(), m.queueId(), e.at());
          }
        }
      } else if (event instanceof RecipientsDelivered e) {
        remove(e.queueId(), e.recipients());
      } else if (event instanceof RecipientsBounced e) {
        failed(e.queueId(), e.recipients(), e.remoteHost(), e.reply(), e.at(), e.dsnId());
      } else if (event instanceof MessageExpired e) {
        failed(e.queueId(), e.recipients(), e.remoteHost(), e.lastReply(), e.at(), e.dsnId());
      } else if (event instanceof RecipientsDeferred e) {
        PendingMessage m = messages.get(e.queueId());
        if (m != null) {
          replace(m, new PendingMessage(m.queueId(), m.sender(), m.recipients(), m.size(),
              m.receivedAt(), m.eightBit(), m.smtputf8(), e.attempt(), e.nextAttemptAt(),
              m.delayWarned()));
        }
      } else if (event instanceof DelayWarningSent e) {
        PendingMessage m = messages.get(e.queueId());
        if (m != null) {
          replace(m, new PendingMessage(m.queueId(), m.sender(), m.recipients(), m.size(),
              m.receivedAt(), m.eightBit(), m.smtputf8(), m.attempts(), m.nextAttemptAt(), true));
          addDsn(e.dsnId(), DsnKind.DELAYED, m, e.recipients(), Optional.of(e.retryUntil()));
        }
      } else if (event instanceof DsnQueued e) {
        PendingDsn d = dsns.remove(e.dsnId());
        if (d != null) {
          dsnsPerMessage.computeIfPresent(d.queueId(), (k, n) -> n <= 1 ? null : n - 1);
        }
      }
      return this;
    }

    private void failed(String queueId, List<String> rcpts, String host, RecordedReply reply,
        Instant at, String dsnId) {
      PendingMessage m = messages.get(queueId);
      if (m == null) {
        return;
      }
      if (!dsnId.isEmpty()) {
        Optional<String> remote = host.isEmpty() ? Optional.empty() : Optional.of(host);
        List<FailedRecipient> failed = rcpts.stream()
            .map(r -> new FailedRecipient(r, reply.code(), reply.enhanced(), reply.text(), remote, at))
            .toList();
        addDsn(dsnId, DsnKind.FAILED, m, failed, Optional.empty());
      }
      remove(queueId, rcpts);
    }

    private void addDsn(String dsnId, DsnKind kind, PendingMessage m, List<FailedRecipient> rcpts,
        Optional<Instant> retryUntil) {
      PendingDsn existing = dsns.get(dsnId);
      if (existing != null) {
        dsns.put(dsnId, existing.plus(rcpts));
      } else {
        dsns.put(dsnId, new PendingDsn(dsnId, kind, m.queueId(), m.sender(), m.receivedAt(), rcpts,
            retryUntil));
        dsnsPerMessage.merge(m.queueId(), 1, Integer::sum);
      }
    }

    private void put(PendingMessage m) {
      messages.put(m.queueId(), m);
      due.add(new Due(m.nextAttemptAt(), m.queueId()));
      pendingRecipients += m.recipients().size();
    }

    private void replace(PendingMessage old, PendingMessage now) {
      due.remove(new Due(old.nextAttemptAt(), old.queueId()));
      messages.put(now.queueId(), now);
      due.add(new Due(now.nextAttemptAt(), now.queueId()));
      pendingRecipients += now.recipients().size() - old.recipients().size();
    }

    private void remove(String queueId, List<String> rcpts) {
      PendingMessage m = messages.get(queueId);
      if (m == null) {
        return;
      }
      List<String> left = new ArrayList<>(m.recipients());
      left.removeAll(rcpts);
      if (!left.isEmpty()) {
        replace(m, new PendingMessage(m.queueId(), m.sender(), left, m.size(), m.receivedAt(),
            m.eightBit(), m.smtputf8(), m.attempts(), m.nextAttemptAt(), m.delayWarned()));
        return;
      }
      messages.remove(queueId);
      due.remove(new Due(m.nextAttemptAt(), queueId));
      pendingRecipients -= m.recipients().size();
      if (rememberLimit > 0) {
        recentlyCompleted.add(queueId);
        if (recentlyCompleted.size() > rememberLimit) {
          Iterator<String> oldest = recentlyCompleted.iterator();
          oldest.next();
          oldest.remove();
        }
      }
    }
  }

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
  private final ShapingSettings shaping;
  private final DeliveryPorts ports;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final DispatcherSelector workerDispatcher;
  private final Executor blocking;
  private final MessageEventLog eventLog = new MessageEventLog();
  /** When this incarnation started recovering (for the queue_recovered event). */
  private final long recoveryStartedNanos = System.nanoTime();

  // transient, reset on every recovery (a persist failure restarts this same instance)
  private final Map<ActorRef<DeliveryWorker.Command>, String> workers = new HashMap<>();
  private final ArrayDeque<ActorRef<DeliveryWorker.Command>> parked = new ArrayDeque<>();
  private final Set<String> inFlight = new HashSet<>();
  private final ArrayDeque<AttemptOutcome> unflushed = new ArrayDeque<>();
  private final Set<String> dsnInFlight = new HashSet<>();
  private boolean flushScheduled;
  private boolean passivating;
  /** Stop was asked: no new work; stop once in-flight outcomes are persisted. */
  private boolean stopping;
  /**
   * No mail exchanger answered the last attempt: nothing is attempted before suspendedUntil, then
   * one probe connection until a server answers again.
   */
  private boolean suspended;
  private Instant suspendedUntil = Instant.MIN;
  private int suspensions;
  private TokenBucket rate;

  private DeliveryQueue(SubQueueId queue, Optional<ActorRef<ClusterSharding.ShardCommand>> shard,
      QueueSettings settings, DeliveryPorts ports, ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    super(PersistenceId.of(TYPE_KEY.name(), queue.entityId()),
        SupervisorStrategy.restartWithBackoff(settings.persistFailureMinBackoff(),
            settings.persistFailureMaxBackoff(), settings.persistFailureRandomFactor()));
    this.queue = queue;
    this.domain = queue.domain();
    this.shard = shard;
    this.settings = settings;
    this.shaping = settings.shapingFor(queue);
    this.ports = ports;
    this.context = context;
    this.timers = timers;
    this.workerDispatcher = DispatcherSelector.fromConfig(settings.deliveryDispatcher());
    this.blocking = context.getSystem().dispatchers().lookup(workerDispatcher);
    this.rate = new TokenBucket(shaping.messagesPerMinute(), ports.clock().instant());
  }

  @Override
  public State emptyState() {
    return new State(settings.rememberedCompletions(), settings.duplicates());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    int limit = settings.rememberedCompletions();
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        return state.toSnapshot();
      }

      @Override
      public State fromJournal(Object from) {
        return from instanceof State s ? s
            : State.fromSnapshot((Snapshot) from, limit, settings.duplicates());
      }
    };
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (state, event) -> state.apply(event);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(EnqueueBatch.class, this::onEnqueue)
        .onCommand(GetStatus.class, this::onGetStatus)
        .onCommand(WorkerFinished.class, this::onWorkerFinished)
        .onCommand(WorkerStopped.class, this::onWorkerStopped)
        .onCommand(Flush.class, this::onFlush)
        .onCommand(Wake.class, (state, cmd) -> {
          dispatch(state);
          return Effect().noReply();
        })
        .onCommand(DsnSubmitted.class, this::onDsnSubmitted)
        .onCommand(DsnFailed.class, this::onDsnFailed)
        .onCommand(RetryDsns.class, (state, cmd) -> {
          submitPendingDsns(state);
          return Effect().noReply();
        })
        .onCommand(IdleCheck.class, (state, cmd) -> {
          passivateIfIdle(state);
          return Effect().noReply();
        })
        .onCommand(Stop.class, this::onStop)
        .onCommand(CloseIdleConnections.class, (state, cmd) -> {
          while (!parked.isEmpty()) {
            close(parked.poll());
          }
          return Effect().noReply();
        })
        .build();
  }

  private void onRecovered(State state) {
    workers.clear();
    parked.clear();
    inFlight.clear();
    unflushed.clear();
    dsnInFlight.clear();
    flushScheduled = false;
    passivating = false;
    rate = new TokenBucket(shaping.messagesPerMinute(), ports.clock().instant());
    if (state.pendingMessageCount() > 0) {
      eventLog.queueRecovered(domain, queue.index(), state.pendingMessageCount(),
          state.pendingRecipientCount(), (System.nanoTime() - recoveryStartedNanos) / 1_000_000);
    }
    submitPendingDsns(state);
    releaseLeftovers(state);
    dispatch(state);
    maybePassivate(state);
  }

  /** Releases spool entries of finished messages whose release a crash cut off (see above). */
  private void releaseLeftovers(State state) {
    List<String> candidates = state.newestCompleted(settings.snapshotEvery() + LEFTOVER_MARGIN)
        .stream().filter(state::finished).toList();
    if (candidates.isEmpty()) {
      return;
    }
    onBlocking(() -> {
      Set<String> left = ports.spool().existing(candidates, domain);
      for (String queueId : left) {
        ports.spool().release(queueId, domain);
      }
      return left.size();
    }).whenComplete((released, err) -> {
      if (err != null) {
        context.getSystem().log().warn("spool check of {} finished messages of {} failed: {}",
            candidates.size(), queue, err.toString());
      } else if (released > 0) {
        context.getSystem().log().info("released {} spool entries of finished messages of {} "
            + "that an earlier run had not released", released, queue);
      }
    });
  }

  // ---------------------------------------------------------------- enqueue and status

  private ReplyEffect<Event, State> onEnqueue(State state, EnqueueBatch cmd) {
    if (passivating) {
      return forwardToNextIncarnation(cmd);
    }
    if (cmd.messages().isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("empty enqueue batch"));
    }
    List<QueuedMessage> fresh = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (QueuedMessage m : cmd.messages()) {
      try {
        SpoolNames.queueId(m.queueId());
      } catch (IllegalArgumentException e) {
        return Effect().reply(cmd.replyTo(), StatusReply.error(e.getMessage()));
      }
      if (seen.add(m.queueId()) && !state.knows(m.queueId())) {
        fresh.add(m);
      }
    }
    Map<String, String> retries = state.recentMessages().retriesIn(fresh, now());
    fresh.removeIf(m -> retries.containsKey(m.queueId()));
    if (fresh.isEmpty()) {
      releaseRetries(retries);
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    }
    if (state.pendingMessageCount() + fresh.size() > settings.maxPendingMessages()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(QUEUE_FULL + queue + " holds "
          + state.pendingMessageCount() + " of at most " + settings.maxPendingMessages()
          + " messages"));
    }
    return Effect().persist(new MessagesEnqueued(fresh, now()))
        .thenRun(this::dispatch)
        .thenRun(s -> releaseRetries(retries))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /**
   * A client's retry of a message this queue already took (retry queue id to original): it is
   * acknowledged without being queued, so the retry's spool reference for this domain goes.
   */
  private void releaseRetries(Map<String, String> retries) {
    retries.forEach((retry, original) -> {
      context.getSystem().log().info("{} @ {}: duplicate of {}, not queued again", retry, queue,
          original);
      release(retry);
    });
  }

  private ReplyEffect<Event, State> onGetStatus(State state, GetStatus cmd) {
    if (passivating) {
      return forwardToNextIncarnation(cmd);
    }
    return Effect().reply(cmd.replyTo(), new QueueStatus(domain, queue.index(),
        !settings.shapingFor(domain).configures(queue.index()), state.pendingMessageCount(),
        state.pendingRecipientCount(), inFlight.size(), workers.size(), state.dsns.size(),
        state.oldestReceivedAt()));
  }

  /** After asking to passivate, a command goes back through sharding to the next incarnation. */
  private ReplyEffect<Event, State> forwardToNextIncarnation(Command cmd) {
    ClusterSharding.get(context.getSystem()).entityRefFor(TYPE_KEY, queue.entityId()).tell(cmd);
    return Effect().noReply();
  }

  // ---------------------------------------------------------------- workers

  private ReplyEffect<Event, State> onWorkerFinished(State state, WorkerFinished cmd) {
    String job = workers.get(cmd.worker());
    if (job == null || !job.equals(cmd.outcome().queueId())) {
      context.getLog().warn("outcome for {} from an unknown worker ignored", cmd.outcome().queueId());
      return Effect().noReply();
    }
    workers.put(cmd.worker(), "");
    unflushed.add(cmd.outcome());
    if (cmd.destinationUnreachable() && !passivating) {
      suspended = true;
      suspensions++;
      suspendedUntil = now().plus(settings.retry().delayAfter(suspensions));
      suspendDestination(state, cmd.outcome());
    } else if (!cmd.destinationUnreachable()) {
      suspended = false;
      suspensions = 0;
    }
    scheduleFlush();
    if (cmd.canContinue()) {
      Instant now = now();
      Optional<PendingMessage> next = passivating ? Optional.empty() : state.firstDue(now, inFlight);
      if (next.isPresent() && rate.tryAcquire(now)) {
        assign(cmd.worker(), next.get().job());
      } else if (next.isPresent()) {
        parked.add(cmd.worker());
        timers.startSingleTimer(WAKE_TIMER, new Wake(), rate.untilNextToken(now));
      } else {
        park(cmd.worker());
      }
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onWorkerStopped(State state, WorkerStopped cmd) {
    String job = workers.remove(cmd.worker());
    parked.remove(cmd.worker());
    if (job != null && !job.isEmpty()) {
      state.message(job).ifPresent(m ->
          unflushed.add(AttemptOutcome.all(job, "", m.recipients(), WORKER_LOST)));
      scheduleFlush();
    }
    dispatch(state);
    maybePassivate(state);
    return Effect().noReply();
  }

  /**
   * Hands due messages to parked workers, then to new workers up to max-connections, within the
   * rate limit; closes parked workers left without work; sets the wake-up timer.
   */
  private void dispatch(State state) {
    if (passivating) {
      return;
    }
    Instant now = now();
    boolean rateLimited = false;
    if (suspended && now.isBefore(suspendedUntil)) {
      timers.startSingleTimer(WAKE_TIMER, new Wake(), Duration.between(now, suspendedUntil));
      lingerOrClose();
      return;
    }
    int connections = suspended ? 1 : shaping.maxConnections();
    while (!parked.isEmpty() || workers.size() < connections) {
      Optional<PendingMessage> next = state.firstDue(now, inFlight);
      if (next.isEmpty()) {
        break;
      }
      if (!rate.tryAcquire(now)) {
        rateLimited = true;
        timers.startSingleTimer(WAKE_TIMER, new Wake(), rate.untilNextToken(now));
        break;
      }
      ActorRef<DeliveryWorker.Command> worker = parked.poll();
      if (worker != null) {
        assign(worker, next.get().job());
      } else {
        spawn(next.get().job());
      }
    }
    if (rateLimited) {
      return;
    }
    lingerOrClose();
    Optional<Instant> nextDue = state.nextDueAt(inFlight);
    if (nextDue.isPresent() && nextDue.get().isAfter(now)) {
      timers.startSingleTimer(WAKE_TIMER, new Wake(), Duration.between(now, nextDue.get()));
    }
  }

  private void spawn(DeliveryJob job) {
    ActorRef<DeliveryWorker.Command> worker = context.spawnAnonymous(
        DeliveryWorker.create(domain, shaping, ports.transport(), ports.spool(), context.getSelf(),
            job),
        workerDispatcher);
    context.watchWith(worker, new WorkerStopped(worker));
    workers.put(worker, job.queueId());
    inFlight.add(job.queueId());
  }

  private void assign(ActorRef<DeliveryWorker.Command> worker, DeliveryJob job) {
    workers.put(worker, job.queueId());
    inFlight.add(job.queueId());
    worker.tell(new DeliveryWorker.Deliver(job));
  }

  private ReplyEffect<Event, State> onStop(State state, Stop cmd) {
    if (!stopping) {
      stopping = true;
      passivating = true; // dispatch nothing more; commands go to the next incarnation
      timers.cancel(WAKE_TIMER);
      for (ActorRef<DeliveryWorker.Command> idle : new ArrayList<>(parked)) {
        close(idle);
      }
    }
    boolean busy = workers.values().stream().anyMatch(job -> !job.isEmpty());
    if (!busy && unflushed.isEmpty()) {
      return Effect().stop().thenNoReply();
    }
    if (!unflushed.isEmpty()) {
      scheduleFlush();
    }
    timers.startSingleTimer(STOP_TIMER, new Stop(), STOP_CHECK);
    return Effect().noReply();
  }

  /** Keeps an idle worker's connection open for connection-linger, waiting for new work. */
  private void park(ActorRef<DeliveryWorker.Command> worker) {
    parked.add(worker);
    lingerOrClose();
  }

  private void lingerOrClose() {
    if (parked.isEmpty()) {
      return;
    }
    if (passivating || settings.connectionLinger().isZero()) {
      while (!parked.isEmpty()) {
        close(parked.poll());
      }
    } else {
      timers.startSingleTimer(LINGER_TIMER, new CloseIdleConnections(), settings.connectionLinger());
    }
  }

  private void close(ActorRef<DeliveryWorker.Command> worker) {
    workers.put(worker, "");
    worker.tell(new DeliveryWorker.Close());
  }

  // ---------------------------------------------------------------- outcomes (group commit)

  /**
   * "Delivery temporarily suspended": no mail exchanger answered, so every other message due now
   * is deferred with the same reply instead of each opening a connection that would fail the
   * same way (with a black-holed host, each would wait the whole connect timeout). Each deferral
   * counts as an attempt, so the retry schedule and expiry run as if they had been tried.
   */
  private void suspendDestination(State state, AttemptOutcome failed) {
    if (failed.replies().isEmpty()) {
      return;
    }
    RecordedReply reply = failed.replies().get(0).reply();
    Instant now = now();
    int deferred = 0;
    Optional<PendingMessage> next;
    while ((next = state.firstDue(now, inFlight)).isPresent()) {
      PendingMessage m = next.get();
      inFlight.add(m.queueId()); // until the deferral is persisted
      unflushed.add(AttemptOutcome.all(m.queueId(), "", m.recipients(), reply));
      deferred++;
    }
    if (deferred > 0) {
      context.getLog().info("delivery to {} temporarily suspended ({}): {} due messages deferred",
          queue, reply.text(), deferred);
    }
  }

  private void scheduleFlush() {
    if (flushScheduled) {
      if (unflushed.size() >= settings.maxOutcomesPerWrite()) {
        timers.cancel(FLUSH_TIMER);
        context.getSelf().tell(new Flush());
      }
      return;
    }
    flushScheduled = true;
    Duration delay = settings.outcomeFlushDelay();
    if (delay.isZero() || stopping || unflushed.size() >= settings.maxOutcomesPerWrite()) {
      context.getSelf().tell(new Flush());
    } else {
      timers.startSingleTimer(FLUSH_TIMER, new Flush(), delay);
    }
  }


  private ReplyEffect<Event, State> onFlush(State state, Flush cmd) {
    flushScheduled = false;
    Instant now = now();
    List<Event> events = new ArrayList<>();
    List<String> done = new ArrayList<>();
    Map<String, PendingMessage> before = new HashMap<>();
    ArrayDeque<AttemptOutcome> later = new ArrayDeque<>();
    while (!unflushed.isEmpty() && done.size() < settings.maxOutcomesPerWrite()) {
      AttemptOutcome outcome = unflushed.poll();
      if (before.containsKey(outcome.queueId())) {
        later.add(outcome); // a second outcome for one message goes in the next write
        continue;
      }
      done.add(outcome.queueId());
      Optional<PendingMessage> msg = state.message(outcome.queueId());
      if (msg.isPresent()) {
        before.put(outcome.queueId(), msg.get());
        events.addAll(AttemptPlanner.plan(msg.get(), outcome, now, settings));
      }
    }
    while (!later.isEmpty()) {
      unflushed.addFirst(later.pollLast());
    }
    if (events.isEmpty()) {
      afterOutcomes(state, done, events, before);
      return Effect().noReply();
    }
    return Effect().persist(events)
        .thenRun(s -> afterOutcomes(s, done, events, before))
        .thenNoReply();
  }

  private void afterOutcomes(State state, List<String> done, List<Event> events,
      Map<String, PendingMessage> before) {
    done.forEach(inFlight::remove);
    Set<String> newDsns = new LinkedHashSet<>();
    for (Event e : events) {
      logEvent(e, before);
      String dsnId = dsnIdOf(e);
      if (!dsnId.isEmpty()) {
        newDsns.add(dsnId);
      }
    }
    for (String dsnId : newDsns) {
      PendingDsn dsn = state.dsns.get(dsnId);
      if (dsn != null) {
        submitDsn(dsn);
      }
    }
    for (String queueId : done) {
      releaseIfFinished(state, queueId);
    }
    if (!unflushed.isEmpty()) {
      scheduleFlush();
    }
    dispatch(state);
    maybePassivate(state);
  }

  private static String dsnIdOf(Event e) {
    if (e instanceof RecipientsBounced b) {
      return b.dsnId();
    } else if (e instanceof MessageExpired x) {
      return x.dsnId();
    } else if (e instanceof DelayWarningSent w) {
      return w.dsnId();
    }
    return "";
  }

  private void logEvent(Event e, Map<String, PendingMessage> before) {
    if (e instanceof RecipientsDelivered d) {
      PendingMessage m = before.get(d.queueId());
      eventLog.delivered(d.queueId(), domain, m.sender(), d.recipients(), d.remoteHost(),
          d.reply().summary(), m.attempts() + 1, delayMs(m, d.at()), m.size());
    } else if (e instanceof RecipientsDeferred d) {
      PendingMessage m = before.get(d.queueId());
      eventLog.deferred(d.queueId(), domain, m.sender(), d.recipients(), d.remoteHost(),
          d.reply().summary(), d.attempt(), delayMs(m, d.at()), m.size());
    } else if (e instanceof RecipientsBounced b) {
      PendingMessage m = before.get(b.queueId());
      eventLog.bounced(b.queueId(), domain, m.sender(), b.recipients(), b.remoteHost(),
          b.reply().summary(), m.attempts() + 1, delayMs(m, b.at()), m.size());
    } else if (e instanceof MessageExpired x) {
      PendingMessage m = before.get(x.queueId());
      eventLog.expired(x.queueId(), domain, m.sender(), x.recipients(), x.remoteHost(),
          x.lastReply().summary(), m.attempts() + 1, delayMs(m, x.at()), m.size());
    }
  }

  private static long delayMs(PendingMessage m, Instant at) {
    return Math.max(0, Duration.between(m.receivedAt(), at).toMillis());
  }

  private void releaseIfFinished(State state, String queueId) {
    if (state.finished(queueId)) {
      release(queueId);
    }
  }

  /** Drops this domain's reference to the spool entry of {@code queueId}, off the actor. */
  private void release(String queueId) {
    onBlocking(() -> {
      ports.spool().release(queueId, domain);
      return null;
    }).whenComplete((ok, err) -> {
      if (err != null) {
        context.getSystem().log().warn("spool release of {} @ {} failed: {}", queueId, domain,
            err.toString());
      }
    });
  }

  /** Spool I/O the queue must not wait for: {@code call} on the blocking dispatcher. */
  private <T> CompletableFuture<T> onBlocking(SpoolCall<T> call) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return call.run();
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  /** A blocking spool call. */
  @FunctionalInterface
  private interface SpoolCall<T> {
    T run() throws IOException;
  }

  // ---------------------------------------------------------------- DSNs

  private void submitPendingDsns(State state) {
    for (PendingDsn d : List.copyOf(state.dsns.values())) {
      submitDsn(d);
    }
  }

  private void submitDsn(PendingDsn dsn) {
    if (!dsnInFlight.add(dsn.dsnId())) {
      return;
    }
    CompletionStage<Done> submitted;
    try {
      submitted = ports.dsn().submit(dsn.request(domain));
    } catch (RuntimeException e) {
      submitted = CompletableFuture.failedFuture(e);
    }
    String id = dsn.dsnId();
    context.pipeToSelf(submitted, (ok, err) ->
        err == null ? new DsnSubmitted(id) : new DsnFailed(id, err.toString()));
  }

  private ReplyEffect<Event, State> onDsnSubmitted(State state, DsnSubmitted cmd) {
    dsnInFlight.remove(cmd.dsnId());
    PendingDsn dsn = state.dsns.get(cmd.dsnId());
    if (dsn == null) {
      return Effect().noReply();
    }
    return Effect().persist(new DsnQueued(cmd.dsnId(), now()))
        .thenRun(s -> {
          releaseIfFinished(s, dsn.queueId());
          maybePassivate(s);
        })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onDsnFailed(State state, DsnFailed cmd) {
    dsnInFlight.remove(cmd.dsnId());
    context.getLog().warn("DSN {} for {} not accepted, retrying in {}: {}", cmd.dsnId(), queue,
        settings.dsnRetryInterval(), cmd.reason());
    if (!timers.isTimerActive(DSN_TIMER)) {
      timers.startSingleTimer(DSN_TIMER, new RetryDsns(), settings.dsnRetryInterval());
    }
    return Effect().noReply();
  }

  // ---------------------------------------------------------------- passivation

  /**
   * When the queue holds nothing, starts the idle timer; passivation happens only if the queue is
   * still idle when it fires. Never at once: a command that started this incarnation (waiting in
   * the stash during recovery) is handled first, and a domain with occasional mail is not
   * stopped and recovered for every message.
   */
  private void maybePassivate(State state) {
    if (shard.isPresent() && !passivating && idle(state) && !timers.isTimerActive(IDLE_TIMER)) {
      timers.startSingleTimer(IDLE_TIMER, new IdleCheck(), settings.passivateAfterIdle());
    }
  }

  private void passivateIfIdle(State state) {
    if (shard.isEmpty() || passivating || !idle(state)) {
      return;
    }
    passivating = true;
    timers.cancelAll();
    shard.get().tell(new ClusterSharding.Passivate<>(context.getSelf()));
  }

  private boolean idle(State state) {
    return state.isEmpty() && workers.isEmpty() && unflushed.isEmpty() && inFlight.isEmpty();
  }

  private Instant now() {
    return ports.clock().instant();
  }
}

package relay.persistence.notice;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import relay.persistence.CborSerializable;
import relay.persistence.queue.DelayReport;
import relay.persistence.registry.Block;
import relay.persistence.registry.BlockChange;
import relay.persistence.registry.ClientRecord;

/**
 * Decides the notices to clients' contacts and sees each one into the relay's queue: one
 * event-sourced entity (persistence id {@code "Notices"}) run as a Cluster Singleton.
 *
 * <p><b>Why one singleton</b>: a notice must go out once, not once per node. Block changes come
 * from the registry, itself one singleton, once per change ({@link BlockChanged}); delays are
 * reported by the queues that own the messages, once per client per interval per queue ({@link
 * Delayed}), and several queues (sub-queues of a domain, a queue after a move) may report the
 * same client and destination: the dedup of "one delay notice per client and destination per
 * relay.notices.delay-period" must see all of them and survive a move, so it lives here, in the
 * persisted state ({@link State#delayNotified}), not in the queues. Announcements come from the
 * API on any node. Notices are rare, so one writer is no bottleneck.
 *
 * <p><b>At least once</b>: a notice decided is persisted ({@link NoticesQueued}) before it is
 * handed to the {@link NoticePort}, and stays pending until the port took it ({@link
 * NoticeSubmitted}); a failure is submitted again after relay.notices.retry-interval, and
 * pending notices are submitted again after recovery (so a crash between the port's queueing
 * and the event can send one twice). At most {@value #MAX_IN_FLIGHT} submissions run at once.
 */
public final class NoticeEntity
    extends EventSourcedBehaviorWithEnforcedReplies<NoticeEntity.Command, NoticeEntity.Event,
        NoticeEntity.State> {

  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("Notices");

  static final int MAX_IN_FLIGHT = 8;
  private static final String RETRY_TIMER = "retry";

  // ---------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable
      permits Announce, BlockChanged, Delayed, Submitted, SubmitFailed, RetryPending {}

  /** One notice per client, to its contacts; replies {@link Announced} once persisted. */
  public record Announce(List<ClientRecord> clients, String subject, String body, String actor,
      ActorRef<Announced> replyTo) implements Command {
    public Announce {
      clients = List.copyOf(clients);
    }
  }

  /** From the registry: a block notice to each client concerned. */
  public record BlockChanged(BlockChange change) implements Command {}

  /** From a queue: a delay notice, unless the client and destination had one this period. */
  public record Delayed(DelayReport report, ClientRecord client) implements Command {}

  record Submitted(String id) implements Command {}

  record SubmitFailed(String id, String reason) implements Command {}

  /** Timer: submit the pending notices again. */
  record RetryPending() implements Command {}

  /** The announcement's id, the notices (one per client) and the addresses they go to. */
  public record Announced(String id, int notices, int recipients) implements CborSerializable {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable permits NoticesQueued, NoticeSubmitted {}

  /**
   * Notices decided at {@code at}; {@code delayKey} ("client destination") for a delay notice,
   * else ""; {@code announcement} the announcement's id, else "".
   */
  public record NoticesQueued(List<Notice> notices, String delayKey, String announcement,
      Instant at) implements Event {}

  /** The port took the notice: no longer pending. */
  public record NoticeSubmitted(String id, Instant at) implements Event {}

  // ---------------------------------------------------------------- state

  /**
   * The notices not yet taken by the port (in the order decided), when each client and
   * destination last had a delay notice (entries older than a period are dropped), and the
   * counters the ids are made of. Immutable.
   */
  public record State(Map<String, Notice> pending, Map<String, Instant> delayNotified,
      long noticesMade, long announcements) implements CborSerializable {

    static final State EMPTY = new State(Map.of(), Map.of(), 0, 0);

    public State {
      pending = Collections.unmodifiableMap(new LinkedHashMap<>(pending));
      delayNotified = Collections.unmodifiableMap(new TreeMap<>(delayNotified));
    }

    State apply(Event event, Duration delayPeriod) {
      if (event instanceof NoticesQueued e) {
        Map<String, Notice> more = new LinkedHashMap<>(pending);
        e.notices().forEach(n -> more.put(n.id(), n));
        Map<String, Instant> notified = new TreeMap<>(delayNotified);
        notified.values().removeIf(at -> !at.plus(delayPeriod).isAfter(e.at()));
        if (!e.delayKey().isEmpty()) {
          notified.put(e.delayKey(), e.at());
        }
        return new State(more, notified, noticesMade + e.notices().size(),
            announcements + (e.announcement().isEmpty() ? 0 : 1));
      }
      NoticeSubmitted e = (NoticeSubmitted) event;
      Map<String, Notice> rest = new LinkedHashMap<>(pending);
      rest.remove(e.id());
      return new State(rest, delayNotified, noticesMade, announcements);
    }

    String nextId(int i) {
      return "n" + (noticesMade + 1 + i);
    }
  }

  // ---------------------------------------------------------------- behavior

  public static Behavior<Command> create(NoticeSettings settings, Clock clock, NoticePort port) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new NoticeEntity(settings, clock, port, context, timers)));
  }

  private final NoticeSettings settings;
  private final Clock clock;
  private final NoticePort port;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  /** Submissions running (this incarnation). */
  private final Set<String> inFlight = new HashSet<>();

  private NoticeEntity(NoticeSettings settings, Clock clock, NoticePort port,
      ActorContext<Command> context, TimerScheduler<Command> timers) {
    super(PERSISTENCE_ID, SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1),
        Duration.ofSeconds(30), 0.2));
    this.settings = settings;
    this.clock = clock;
    this.port = port;
    this.context = context;
    this.timers = timers;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (state, event) -> state.apply(event, settings.delayPeriod());
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
      inFlight.clear();
      if (!state.pending().isEmpty()) {
        context.getLog().info("notices: {} pending after recovery", state.pending().size());
      }
      submit(state);
    }).build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Announce.class, this::onAnnounce)
        .onCommand(BlockChanged.class, this::onBlockChanged)
        .onCommand(Delayed.class, this::onDelayed)
        .onCommand(Submitted.class, (state, cmd) -> {
          inFlight.remove(cmd.id());
          if (!state.pending().containsKey(cmd.id())) {
            return Effect().noReply();
          }
          return Effect().persist(new NoticeSubmitted(cmd.id(), clock.instant()))
              .thenRun(this::submit).thenNoReply();
        })
        .onCommand(SubmitFailed.class, (state, cmd) -> {
          inFlight.remove(cmd.id());
          context.getLog().warn("notice {} not queued, again in {}: {}", cmd.id(),
              settings.retryInterval(), cmd.reason());
          if (!timers.isTimerActive(RETRY_TIMER)) {
            timers.startSingleTimer(RETRY_TIMER, new RetryPending(), settings.retryInterval());
          }
          return Effect().noReply();
        })
        .onCommand(RetryPending.class, (state, cmd) -> {
          submit(state);
          return Effect().noReply();
        })
        .build();
  }

  private ReplyEffect<Event, State> onAnnounce(State state, Announce cmd) {
    Instant now = clock.instant();
    String id = "a" + (state.announcements() + 1);
    List<Notice> notices = new ArrayList<>();
    int recipients = 0;
    for (ClientRecord c : cmd.clients()) {
      Map<String, String> values = clientValues(c, now);
      values.put("announcement-id", id);
      values.put("subject", cmd.subject());
      values.put("body", cmd.body());
      values.put("actor", cmd.actor());
      notices.add(new Notice(state.nextId(notices.size()), NoticeKind.ANNOUNCEMENT,
          c.id().value(), c.contacts(), values, now));
      recipients += c.contacts().size();
    }
    Announced reply = new Announced(id, notices.size(), recipients);
    context.getLog().info("notices: announcement {} by {} to {} clients ({} addresses)", id,
        cmd.actor(), notices.size(), recipients);
    return Effect().persist(new NoticesQueued(notices, "", id, now)).thenRun(this::submit)
        .thenReply(cmd.replyTo(), s -> reply);
  }

  private ReplyEffect<Event, State> onBlockChanged(State state, BlockChanged cmd) {
    BlockChange change = cmd.change();
    if (change.clients().isEmpty()) {
      return Effect().noReply();
    }
    Instant now = clock.instant();
    Block b = change.block();
    NoticeKind kind = change.change() == BlockChange.Change.ADDED ? NoticeKind.BLOCKED
        : NoticeKind.UNBLOCKED;
    List<Notice> notices = new ArrayList<>();
    for (ClientRecord c : change.clients()) {
      Map<String, String> values = clientValues(c, change.at());
      values.put("block-id", b.id());
      values.put("block-kind", b.kind().wireName());
      values.put("block-value", b.value());
      values.put("reason", b.reason());
      values.put("until", b.until().map(Instant::toString).orElse("permanent"));
      values.put("blocked-by", b.createdBy());
      values.put("blocked-at", b.createdAt().toString());
      values.put("actor", change.actor());
      values.put("change", change.change() == BlockChange.Change.ADDED ? "blocked"
          : change.change() == BlockChange.Change.EXPIRED ? "expired"
          : "removed by " + change.actor());
      notices.add(new Notice(state.nextId(notices.size()), kind, c.id().value(), c.contacts(),
          values, now));
    }
    return Effect().persist(new NoticesQueued(notices, "", "", now)).thenRun(this::submit)
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onDelayed(State state, Delayed cmd) {
    DelayReport r = cmd.report();
    Instant now = clock.instant();
    String key = r.client() + " " + r.domain();
    Instant last = state.delayNotified().get(key);
    if (last != null && last.plus(settings.delayPeriod()).isAfter(now)) {
      return Effect().noReply(); // this period's notice went out already
    }
    Map<String, String> values = clientValues(cmd.client(), r.at());
    values.put("destination", r.domain());
    values.put("waiting", Integer.toString(r.waiting()));
    values.put("delayed", Integer.toString(r.delayed()));
    values.put("oldest", r.oldestReceivedAt().toString());
    values.put("threshold", settings.delayThreshold().toString());
    values.put("period", settings.delayPeriod().toString());
    values.put("last-reply", r.lastReply().summary());
    values.put("remote-host", r.remoteHost().isEmpty() ? "(no host answered)" : r.remoteHost());
    Notice notice = new Notice(state.nextId(0), NoticeKind.DELAYED, r.client(),
        cmd.client().contacts(), values, now);
    context.getLog().info("notices: {} for {} to {}: {} waiting, {} delayed", notice.id(),
        r.client(), r.domain(), r.waiting(), r.delayed());
    return Effect().persist(new NoticesQueued(List.of(notice), key, "", now))
        .thenRun(this::submit).thenNoReply();
  }

  private static Map<String, String> clientValues(ClientRecord c, Instant at) {
    Map<String, String> values = new TreeMap<>();
    values.put("client-id", c.id().value());
    values.put("client-name", c.name());
    values.put("at", at.toString());
    return values;
  }

  /** Hands pending notices not yet in flight to the port, up to {@value #MAX_IN_FLIGHT}. */
  private void submit(State state) {
    for (Notice n : state.pending().values()) {
      if (inFlight.size() >= MAX_IN_FLIGHT) {
        return;
      }
      if (inFlight.add(n.id())) {
        String id = n.id();
        CompletionStage<Done> submitted;
        try {
          submitted = port.submit(n);
        } catch (RuntimeException e) {
          submitted = CompletableFuture.failedFuture(e);
        }
        context.pipeToSelf(submitted, (ok, err) -> err == null ? new Submitted(id)
            : new SubmitFailed(id, err.toString()));
      }
    }
  }
}

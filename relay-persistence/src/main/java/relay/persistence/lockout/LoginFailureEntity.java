package relay.persistence.lockout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
import relay.persistence.registry.Block;
import relay.persistence.registry.BlockKind;
import relay.persistence.registry.IpAddresses;
import relay.persistence.registry.RegistryResult;
import relay.persistence.registry.RegistryService;
import relay.persistence.registry.RegistryView;

/**
 * Counts failed logins per source address for the whole cluster and locks an address out once
 * it failed relay.auth.lockout.failures times within relay.auth.lockout.window: one
 * event-sourced entity (persistence id {@code "LoginFailures"}) run as a Cluster Singleton,
 * told of each failure by the node that saw it ({@link LoginLockout#failed}).
 *
 * <p><b>The lockout is a block.</b> At the threshold the entity persists {@link LockedOut} and
 * asks the registry for a temporary {@code ip} block (until = that failure's time +
 * relay.auth.lockout.duration, reason "N failed logins", actor {@value Lockouts#ACTOR}) through
 * the registry's normal path, so it reaches every node's view like any block, is listed by
 * {@code GET /api/v1/blocks}, audited, expires by itself and is lifted by {@code DELETE}. Until
 * the registry took it ({@link LockoutBlocked}) the lockout is pending and asked for again every
 * relay.auth.lockout.retry-interval and after recovery (first looking in the view for a block the
 * registry made from an earlier ask that timed out, so it is not made twice).
 *
 * <p><b>Lifted by an operator</b>: a failure from an address whose lockout block is no longer in
 * the (complete) view before its end persists {@link LockoutLifted} and is counted afresh.
 *
 * <p><b>Bounded</b>: each address keeps at most its newest {@code failures} failure times, and
 * only those within the window (older ones are dropped by every event); at most
 * relay.auth.lockout.max-addresses addresses are counted: a failure from one more forgets the
 * address whose newest failure is the oldest (a flood from many addresses can so make the
 * relay forget an earlier address's count: that address gets more tries, logged). At most
 * relay.auth.lockout.max-lockouts lockouts are in force: beyond, an address reaching the
 * threshold is not locked out (logged), so a flood cannot fill the operator's block list.
 * Snapshots every {@value #SNAPSHOT_EVERY} events delete the events before them.
 *
 * <p>Time is decided in the command handler and carried by the events; the window and caps are
 * applied by the event handler from the settings, so a replay with the same settings rebuilds
 * the same state.
 */
public final class LoginFailureEntity
    extends EventSourcedBehaviorWithEnforcedReplies<LoginFailureEntity.Command,
        LoginFailureEntity.Event, LoginFailureEntity.State> {

  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("LoginFailures");

  static final int SNAPSHOT_EVERY = 100;
  /** Most registry asks for pending lockout blocks at once. */
  static final int MAX_IN_FLIGHT = 16;
  private static final String RETRY_TIMER = "retry";

  // ---------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable
      permits RecordFailure, BlockTaken, BlockNotTaken, RetryBlocks {}

  /**
   * A failed login from {@code ip} (canonical, as {@link IpAddresses#canonical} gives it);
   * replies {@link Counted} once persisted.
   */
  public record RecordFailure(String ip, ActorRef<Counted> replyTo) implements Command {}

  /** The registry holds the lockout block {@code blockId} of {@code ip} ending at {@code until}. */
  record BlockTaken(String ip, Instant until, String blockId) implements Command {}

  /** The registry did not take the lockout block: asked again later. */
  record BlockNotTaken(String ip, Instant until, String why) implements Command {}

  /** Timer: ask the registry again for the pending lockout blocks. */
  record RetryBlocks() implements Command {}

  /** The end of the lockout in force for the address (this failure's or an earlier one). */
  public record Counted(Optional<Instant> lockedUntil) implements CborSerializable {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable
      permits FailureCounted, LockedOut, LockoutBlocked, LockoutLifted {}

  /** A failed login from {@code ip} at {@code at}, below the threshold (or beyond the cap). */
  public record FailureCounted(String ip, Instant at) implements Event {}

  /** {@code failures} failed logins within the window: {@code ip} is locked out until then. */
  public record LockedOut(String ip, Instant at, Instant until, int failures) implements Event {}

  /** The registry holds the lockout of {@code ip} as block {@code blockId}. */
  public record LockoutBlocked(String ip, Instant until, String blockId, Instant at)
      implements Event {}

  /** The lockout's block was removed (by an operator) before its end. */
  public record LockoutLifted(String ip, Instant at) implements Event {}

  // ---------------------------------------------------------------- state

  /**
   * One lockout: its end, the failures that made it, and the registry's block id ("" while the
   * registry has not taken it).
   */
  public record Lockout(Instant until, int failures, String blockId) implements CborSerializable {

    boolean pending() {
      return blockId.isEmpty();
    }
  }

  /**
   * The failure times of each address counted (ascending, within the window as of the last
   * event, at most {@code failures} of them) and the lockouts not yet ended, by address.
   * Immutable.
   */
  public record State(Map<String, List<Instant>> failures, Map<String, Lockout> lockouts)
      implements CborSerializable {

    static final State EMPTY = new State(Map.of(), Map.of());

    public State {
      failures = Collections.unmodifiableMap(new TreeMap<>(failures));
      lockouts = Collections.unmodifiableMap(new TreeMap<>(lockouts));
    }

    /** The failures of {@code ip} within {@code window} before {@code now}, ascending. */
    List<Instant> recent(String ip, Instant now, Duration window) {
      return failures.getOrDefault(ip, List.of()).stream()
          .filter(at -> at.isAfter(now.minus(window))).toList();
    }

    /** The lockout of {@code ip} in force at {@code now}. */
    Optional<Lockout> lockout(String ip, Instant now) {
      return Optional.ofNullable(lockouts.get(ip)).filter(l -> l.until().isAfter(now));
    }

    State apply(Event event, LockoutSettings settings) {
      Instant at = at(event);
      TreeMap<String, List<Instant>> counts = new TreeMap<>(failures);
      counts.values().removeIf(list -> !list.get(list.size() - 1)
          .isAfter(at.minus(settings.window())));
      TreeMap<String, Lockout> locks = new TreeMap<>(lockouts);
      locks.values().removeIf(l -> !l.until().isAfter(at));
      if (event instanceof FailureCounted e) {
        List<Instant> list = new ArrayList<>(counts.getOrDefault(e.ip(), List.of()));
        list.removeIf(t -> !t.isAfter(at.minus(settings.window())));
        list.add(at);
        if (list.size() > settings.failures()) {
          list = list.subList(list.size() - settings.failures(), list.size());
        }
        if (!counts.containsKey(e.ip()) && counts.size() >= settings.maxAddresses()) {
          counts.remove(oldest(counts));
        }
        counts.put(e.ip(), List.copyOf(list));
      } else if (event instanceof LockedOut e) {
        counts.remove(e.ip());
        locks.put(e.ip(), new Lockout(e.until(), e.failures(), ""));
      } else if (event instanceof LockoutBlocked e) {
        Lockout l = locks.get(e.ip());
        if (l != null && l.until().equals(e.until())) {
          locks.put(e.ip(), new Lockout(l.until(), l.failures(), e.blockId()));
        }
      } else if (event instanceof LockoutLifted e) {
        locks.remove(e.ip());
      }
      return new State(counts, locks);
    }

    /** The address whose newest failure is the oldest (the lowest address on a tie). */
    static String oldest(Map<String, List<Instant>> counts) {
      return counts.entrySet().stream()
          .min(Comparator.comparing((Map.Entry<String, List<Instant>> e) ->
              e.getValue().get(e.getValue().size() - 1)).thenComparing(Map.Entry::getKey))
          .orElseThrow().getKey();
    }

    private static Instant at(Event event) {
      if (event instanceof FailureCounted e) {
        return e.at();
      }
      if (event instanceof LockedOut e) {
        return e.at();
      }
      if (event instanceof LockoutBlocked e) {
        return e.at();
      }
      return ((LockoutLifted) event).at();
    }
  }

  // ---------------------------------------------------------------- behavior

  /**
   * The entity; lockout blocks are asked of {@code registry}, and {@code view} (this node's
   * registry view) tells whether a lockout's block is still there.
   */
  public static Behavior<Command> create(LockoutSettings settings, Clock clock,
      RegistryService registry, RegistryView view) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new LoginFailureEntity(settings, clock, registry, view, context, timers)));
  }

  private final LockoutSettings settings;
  private final Clock clock;
  private final RegistryService registry;
  private final RegistryView view;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  /** Addresses whose lockout block is being asked of the registry (this incarnation). */
  private final Set<String> inFlight = new HashSet<>();

  private LoginFailureEntity(LockoutSettings settings, Clock clock, RegistryService registry,
      RegistryView view, ActorContext<Command> context, TimerScheduler<Command> timers) {
    super(PERSISTENCE_ID, SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1),
        Duration.ofSeconds(30), 0.2));
    this.settings = settings;
    this.clock = clock;
    this.registry = registry;
    this.view = view;
    this.context = context;
    this.timers = timers;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (state, event) -> state.apply(event, settings);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
      inFlight.clear();
      long pending = state.lockouts().values().stream().filter(Lockout::pending).count();
      context.getLog().info("login failures recovered: {} addresses counted, {} lockouts"
          + " ({} not yet in the block list)", state.failures().size(), state.lockouts().size(),
          pending);
      askForPendingBlocks(state);
    }).build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(RecordFailure.class, this::onFailure)
        .onCommand(BlockTaken.class, (state, cmd) -> {
          inFlight.remove(cmd.ip());
          Lockout l = state.lockouts().get(cmd.ip());
          if (l == null || !l.pending() || !l.until().equals(cmd.until())) {
            return Effect().noReply();
          }
          context.getLog().info("lockout of {} until {} is block {}", cmd.ip(), cmd.until(),
              cmd.blockId());
          return Effect().persist(new LockoutBlocked(cmd.ip(), cmd.until(), cmd.blockId(),
              clock.instant())).thenRun(this::askForPendingBlocks).thenNoReply();
        })
        .onCommand(BlockNotTaken.class, (state, cmd) -> {
          inFlight.remove(cmd.ip());
          context.getLog().warn("lockout of {} until {} not in the block list yet, again in {}:"
              + " {}", cmd.ip(), cmd.until(), settings.retryInterval(), cmd.why());
          if (!timers.isTimerActive(RETRY_TIMER)) {
            timers.startSingleTimer(RETRY_TIMER, new RetryBlocks(), settings.retryInterval());
          }
          return Effect().noReply();
        })
        .onCommand(RetryBlocks.class, (state, cmd) -> {
          askForPendingBlocks(state);
          return Effect().noReply();
        })
        .build();
  }

  private ReplyEffect<Event, State> onFailure(State state, RecordFailure cmd) {
    Optional<String> canonical = IpAddresses.tryCanonical(cmd.ip());
    if (canonical.isEmpty()) {
      context.getLog().warn("login failure from a value that is not an address: ignored");
      return Effect().reply(cmd.replyTo(), new Counted(Optional.empty()));
    }
    String ip = canonical.get();
    Instant now = clock.instant();
    Optional<Lockout> lockout = state.lockout(ip, now);
    List<Event> events = new ArrayList<>();
    List<Instant> recent = state.recent(ip, now, settings.window());
    if (lockout.isPresent()) {
      if (lockout.get().pending() || blockInForce(lockout.get().blockId(), now)) {
        return Effect().reply(cmd.replyTo(), new Counted(Optional.of(lockout.get().until())));
      }
      context.getLog().info("lockout of {} lifted before {} (block {} removed)", ip,
          lockout.get().until(), lockout.get().blockId());
      events.add(new LockoutLifted(ip, now));
      recent = List.of();
    }
    int failures = recent.size() + 1;
    long inForce = state.lockouts().values().stream().filter(l -> l.until().isAfter(now))
        .count() - (lockout.isPresent() ? 1 : 0);
    if (failures < settings.failures()) {
      if (!state.failures().containsKey(ip) && state.failures().size() >= settings.maxAddresses()) {
        context.getLog().warn("login failures counted for relay.auth.lockout.max-addresses ({})"
            + " addresses: forgetting the oldest to count {}", settings.maxAddresses(), ip);
      }
      events.add(new FailureCounted(ip, now));
      return Effect().persist(events).thenReply(cmd.replyTo(), s -> new Counted(Optional.empty()));
    }
    if (inForce >= settings.maxLockouts()) {
      context.getLog().warn("{} failed logins from {}, not locked out: "
          + "relay.auth.lockout.max-lockouts ({}) lockouts in force", failures, ip,
          settings.maxLockouts());
      events.add(new FailureCounted(ip, now));
      return Effect().persist(events).thenReply(cmd.replyTo(), s -> new Counted(Optional.empty()));
    }
    Instant until = wholeSecondAfter(now.plus(settings.duration()));
    context.getLog().info("{} failed logins from {} within {}: locked out until {}", failures, ip,
        settings.window(), until);
    events.add(new LockedOut(ip, now, until, failures));
    return Effect().persist(events).thenRun(this::askForPendingBlocks)
        .thenReply(cmd.replyTo(), s -> new Counted(Optional.of(until)));
  }

  /**
   * {@code end}, or the next whole second when it has a fraction: the lockout's end as the 421
   * shows it (in whole seconds) is then its real end, never a moment before.
   */
  static Instant wholeSecondAfter(Instant end) {
    Instant seconds = end.truncatedTo(ChronoUnit.SECONDS);
    return seconds.equals(end) ? end : seconds.plusSeconds(1);
  }

  /** Whether the view shows block {@code id} at {@code now}; an incomplete view cannot tell. */
  private boolean blockInForce(String id, Instant now) {
    boolean complete = view.complete();
    return !complete || view.current().block(id).map(b -> b.activeAt(now)).orElse(false);
  }

  /**
   * Asks the registry for the block of each pending lockout not yet asked for (at most {@value
   * #MAX_IN_FLIGHT} at once), or takes the one the view already shows.
   */
  private void askForPendingBlocks(State state) {
    Instant now = clock.instant();
    for (Map.Entry<String, Lockout> e : state.lockouts().entrySet()) {
      Lockout l = e.getValue();
      String ip = e.getKey();
      if (!l.pending() || !l.until().isAfter(now) || inFlight.size() >= MAX_IN_FLIGHT
          || !inFlight.add(ip)) {
        continue;
      }
      Optional<Block> made = Lockouts.active(view.current(), ip, now)
          .filter(b -> b.until().equals(Optional.of(l.until())));
      if (made.isPresent()) {
        context.getSelf().tell(new BlockTaken(ip, l.until(), made.get().id()));
        continue;
      }
      CompletionStage<RegistryResult<Block>> added;
      try {
        added = registry.addBlock(BlockKind.IP, ip, Lockouts.reason(l.failures()),
            Optional.of(l.until()), Lockouts.ACTOR);
      } catch (RuntimeException ex) {
        added = CompletableFuture.failedFuture(ex);
      }
      context.pipeToSelf(added, (result, failure) -> {
        if (result instanceof RegistryResult.Ok<Block> ok) {
          return new BlockTaken(ip, l.until(), ok.value().id());
        }
        return new BlockNotTaken(ip, l.until(), failure != null ? failure.toString()
            : String.valueOf(result));
      });
    }
  }
}

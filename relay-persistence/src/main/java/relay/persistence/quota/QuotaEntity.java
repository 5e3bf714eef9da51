package relay.persistence.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import relay.persistence.CborSerializable;

/**
 * The recipient quotas of one registered client across the cluster: a sharded, event-sourced
 * entity (key: the client's id) that counts, per fixed hour and day window ({@link QuotaWindows}),
 * the recipients it has handed out to nodes, and keeps the client's bulk notices.
 *
 * <p><b>Leases, not a round trip per RCPT.</b> A node asks for a lease ({@link RequestLease}); the
 * entity grants a block of recipients, {@code lease-fraction} of what is left of the tighter
 * quota (at least 1, at most {@code max-lease}), and counts the whole block as used at once. The
 * node spends it locally at RCPT and asks for more in the background when half of it is gone.
 * Because the entity counts what it grants, never what was spent, the nodes together can accept
 * no more than the quota from leases. What a node accepts while its next lease is on the way
 * ({@code borrowed}, at most {@code max-borrow}) comes with its next request and is counted
 * then, granted or not: that is the only over-grant, at most max-borrow recipients per node and
 * window. A lease left over when its hour ends is given back ({@link ReturnLease}) and no longer
 * counts against the day.
 *
 * <p><b>Persisted, because a move must not reset a count.</b> Unlike the session count ({@link
 * relay.persistence.client.ClientEntity}), which every node can report again, spent recipients
 * are gone from the nodes once accepted: an entity rebuilt from reports after a rebalance or a
 * crash would hand out the quota a second time. Grants are rare (a fraction of what is left, so
 * a few dozen per client and window), written off the acceptance path (a node asks in the
 * background), so persisting each one costs the hot path nothing.
 *
 * <p><b>Limits.</b> The quotas come with each request (the registration in the asking node's
 * view), raised for every window that a {@link BulkNotice} with raiseQuota overlaps. A quota
 * lowered below what a window already used grants nothing more in that window.
 *
 * <p><b>Bad input.</b> A notice with a bad window or count, or beyond max-per-client, is refused
 * with a reply and no event.
 */
public final class QuotaEntity
    extends EventSourcedBehaviorWithEnforcedReplies<QuotaEntity.Command, QuotaEntity.Event,
        QuotaEntity.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "QuotaEntity");

  // ---------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable
      permits RequestLease, ReturnLease, PostNotice, GetNotices, GetUsage {}

  /**
   * A node asks for a lease under {@code limits}, reporting the {@code borrowed} recipients it
   * accepted beyond its last lease (counted whatever the answer).
   */
  public record RequestLease(QuotaLimits limits, int borrowed, ActorRef<Lease> replyTo)
      implements Command {}

  /** A node gives back {@code count} recipients of a lease for hour {@code hour} it did not use. */
  public record ReturnLease(Instant hour, int count) implements Command {}

  /** Posts a bulk notice; answered {@link NoticePosted} or {@link NoticeRefused}. */
  public record PostNotice(long expectedRecipients, Instant from, Instant until,
      Optional<String> note, boolean raiseQuota, String actor, ActorRef<NoticeReply> replyTo)
      implements Command {}

  /** The client's notices not over yet, by start. */
  public record GetNotices(ActorRef<Notices> replyTo) implements Command {}

  /** What the current windows have used and allow (for tests and operators). */
  public record GetUsage(QuotaLimits limits, ActorRef<Usage> replyTo) implements Command {}

  // ---------------------------------------------------------------- replies

  /**
   * A lease: {@code granted} recipients for the hour window {@code hour}; {@code headroom} is
   * what is left in the cluster beyond it; {@code daily} says whether the day quota is the
   * tighter one, and {@code resetsAt} when the tighter one starts again.
   */
  public record Lease(Instant hour, int granted, long headroom, boolean daily, Instant resetsAt)
      implements CborSerializable {}

  public sealed interface NoticeReply extends CborSerializable
      permits NoticePosted, NoticeRefused {}

  public record NoticePosted(BulkNotice notice) implements NoticeReply {}

  /** The notice was refused: {@code full} (max-per-client reached) or a bad value. */
  public record NoticeRefused(boolean full, String detail) implements NoticeReply {}

  public record Notices(List<BulkNotice> notices) implements CborSerializable {
    public Notices {
      notices = List.copyOf(notices);
    }
  }

  /** Counts of the current windows and their quotas as raised (-1: no quota). */
  public record Usage(Instant hour, long hourUsed, long hourLimit, Instant day, long dayUsed,
      long dayLimit) implements CborSerializable {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable permits Leased, Returned, Noticed {}

  /** {@code granted} recipients leased and {@code borrowed} reported, in the windows of {@code at}. */
  public record Leased(Instant at, int granted, int borrowed) implements Event {}

  /** {@code count} recipients of a lease for {@code hour} given back at {@code at}. */
  public record Returned(Instant at, Instant hour, int count) implements Event {}

  public record Noticed(BulkNotice notice) implements Event {}

  // ---------------------------------------------------------------- state

  /**
   * The current hour and day windows and what each used, the notices that may still overlap the
   * current day, and how many notices the client ever posted (for their ids). Immutable.
   */
  public record State(Instant hour, long hourUsed, Instant day, long dayUsed,
      List<BulkNotice> notices, long noticesPosted) implements CborSerializable {

    public static final State EMPTY = new State(Instant.EPOCH, 0, Instant.EPOCH, 0, List.of(), 0);

    public State {
      notices = List.copyOf(notices);
    }

    /** This state in the windows of {@code at}: a window that began since starts from zero. */
    public State at(Instant at) {
      Instant h = QuotaWindows.hourOf(at);
      Instant d = QuotaWindows.dayOf(at);
      boolean newHour = h.isAfter(hour);
      boolean newDay = d.isAfter(day);
      if (!newHour && !newDay) {
        return this;
      }
      List<BulkNotice> current = newDay
          ? notices.stream().filter(n -> n.until().isAfter(d)).toList() : notices;
      return new State(newHour ? h : hour, newHour ? 0 : hourUsed, newDay ? d : day,
          newDay ? 0 : dayUsed, current, noticesPosted);
    }

    /** The hour quota of the current window with its raises, or MAX_VALUE without one. */
    public long hourLimit(QuotaLimits limits) {
      return limits.perHour().map(q -> q + raise(hour, QuotaWindows.HOUR)).orElse(Long.MAX_VALUE);
    }

    /** The day quota of the current window with its raises, or MAX_VALUE without one. */
    public long dayLimit(QuotaLimits limits) {
      return limits.perDay().map(q -> q + raise(day, QuotaWindows.DAY)).orElse(Long.MAX_VALUE);
    }

    private long raise(Instant start, Duration length) {
      Instant end = start.plus(length);
      return notices.stream().filter(n -> n.raiseQuota() && n.overlaps(start, end))
          .mapToLong(BulkNotice::expectedRecipients).sum();
    }

    /**
     * The lease this state (already in the windows of now, with the borrowed counted) grants
     * under {@code limits}.
     */
    public Lease lease(QuotaLimits limits, QuotaSettings settings) {
      long hourLeft = Math.max(0, hourLimit(limits) - hourUsed);
      long dayLeft = Math.max(0, dayLimit(limits) - dayUsed);
      long left = Math.min(hourLeft, dayLeft);
      long share = (long) Math.ceil(Math.min(left, 1L << 52) * settings.leaseFraction());
      int granted = (int) Math.min(left, Math.max(1, Math.min(settings.maxLease(), share)));
      boolean daily = dayLeft <= hourLeft;
      return new Lease(hour, granted, left - granted, daily,
          daily ? day.plus(QuotaWindows.DAY) : hour.plus(QuotaWindows.HOUR));
    }

    public State apply(Event event) {
      if (event instanceof Leased e) {
        State s = at(e.at());
        long used = (long) e.granted() + e.borrowed();
        return new State(s.hour, s.hourUsed + used, s.day, s.dayUsed + used, s.notices,
            s.noticesPosted);
      }
      if (event instanceof Returned e) {
        State s = at(e.at());
        long hourUsed = e.hour().equals(s.hour) ? Math.max(0, s.hourUsed - e.count()) : s.hourUsed;
        long dayUsed = QuotaWindows.dayOf(e.hour()).equals(s.day)
            ? Math.max(0, s.dayUsed - e.count()) : s.dayUsed;
        return new State(s.hour, hourUsed, s.day, dayUsed, s.notices, s.noticesPosted);
      }
      BulkNotice notice = ((Noticed) event).notice();
      List<BulkNotice> more = new ArrayList<>(notices);
      more.add(notice);
      more.sort((a, b) -> a.from().compareTo(b.from()));
      return new State(hour, hourUsed, day, dayUsed, more, noticesPosted + 1).at(notice.postedAt());
    }
  }

  // ---------------------------------------------------------------- behaviour

  /** Starts the entity type on this node (not remembered: an idle count needs no process). */
  public static void init(ActorSystem<?> system, QuotaSettings settings, Clock clock) {
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY,
        ctx -> create(ctx.getEntityId(), settings, clock)));
  }

  public static Behavior<Command> create(String client, QuotaSettings settings, Clock clock) {
    return new QuotaEntity(client, settings, clock);
  }

  private final String client;
  private final QuotaSettings settings;
  private final Clock clock;

  private QuotaEntity(String client, QuotaSettings settings, Clock clock) {
    super(PersistenceId.of(TYPE_KEY.name(), client), SupervisorStrategy.restartWithBackoff(
        Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.client = client;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return State::apply;
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(RequestLease.class, this::onRequestLease)
        .onCommand(ReturnLease.class, this::onReturnLease)
        .onCommand(PostNotice.class, this::onPostNotice)
        .onCommand(GetNotices.class, (state, get) -> Effect().reply(get.replyTo(),
            new Notices(current(state, clock.instant()))))
        .onCommand(GetUsage.class, (state, get) -> {
          State s = state.at(clock.instant());
          return Effect().reply(get.replyTo(), new Usage(s.hour(), s.hourUsed(),
              limitOrNone(s.hourLimit(get.limits())), s.day(), s.dayUsed(),
              limitOrNone(s.dayLimit(get.limits()))));
        })
        .build();
  }

  private ReplyEffect<Event, State> onRequestLease(State state, RequestLease request) {
    Instant now = clock.instant();
    int borrowed = Math.max(0, request.borrowed());
    State counted = state.apply(new Leased(now, 0, borrowed));
    Lease lease = counted.lease(request.limits(), settings);
    if (lease.granted() == 0 && borrowed == 0) {
      return Effect().reply(request.replyTo(), lease);
    }
    return Effect().persist(new Leased(now, lease.granted(), borrowed))
        .thenReply(request.replyTo(), s -> lease);
  }

  private ReplyEffect<Event, State> onReturnLease(State state, ReturnLease giveBack) {
    if (giveBack.count() <= 0) {
      return Effect().noReply();
    }
    return Effect().persist(new Returned(clock.instant(), giveBack.hour(), giveBack.count()))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onPostNotice(State state, PostNotice post) {
    Instant now = clock.instant();
    Optional<String> problem = NoticeRules.problem(post, now, settings);
    if (problem.isPresent()) {
      return Effect().reply(post.replyTo(), new NoticeRefused(false, problem.get()));
    }
    if (current(state, now).size() >= settings.maxNotices()) {
      return Effect().reply(post.replyTo(), new NoticeRefused(true, "client " + client
          + " has its maximum of " + settings.maxNotices()
          + " bulk notices not over yet (relay.quotas.bulk-notices.max-per-client)"));
    }
    BulkNotice notice = new BulkNotice(client + "-" + (state.noticesPosted() + 1), client,
        post.expectedRecipients(), post.from(), post.until(), post.note(), post.raiseQuota(),
        post.actor(), now);
    return Effect().persist(new Noticed(notice))
        .thenReply(post.replyTo(), s -> new NoticePosted(notice));
  }

  private static List<BulkNotice> current(State state, Instant now) {
    return state.notices().stream().filter(n -> n.until().isAfter(now)).toList();
  }

  private static long limitOrNone(long limit) {
    return limit == Long.MAX_VALUE ? -1 : limit;
  }
}

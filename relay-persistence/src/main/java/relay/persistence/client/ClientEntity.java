package relay.persistence.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import relay.persistence.CborSerializable;

/**
 * The concurrent SMTP sessions of one registered client across the cluster: a sharded entity
 * (key: the client's name) that counts the client's open sessions on every node and refuses a
 * slot beyond the client's {@code max-sessions}.
 *
 * <p><b>Who owns what.</b> Each node runs one {@link SessionSlotHolder}; it owns the slots of its
 * own connections and is the truth about them. This entity is the cluster-wide sum, rebuilt from
 * the holders: it keeps, per holder, the ids of the slots that holder has (granted, or asked for
 * and perhaps granted by a previous incarnation). A slot is identified by its holder and a number
 * the holder's node chose, so acquires, releases and reports are idempotent and can be merged.
 *
 * <p><b>Nothing is persisted, on purpose.</b> Sessions are ephemeral: they die with their node,
 * and a journal write per connection would cost the hot path a database round trip. Everything
 * the entity knows is held again by the live holders, so a new incarnation (first use,
 * rebalance, failover, passivation) rebuilds it: it subscribes to the holders' {@link
 * SessionSlotHolder#KEY} at the Receptionist, asks each for its {@link SlotsHeld} report and
 * keeps acquires waiting until all have answered, or {@code report-timeout} passed. A move thus
 * never admits extra sessions; a report that arrives later is still merged, as is one from a
 * holder the Receptionist lists later.
 *
 * <p><b>Releases.</b> A holder tells {@link Release} when its connection ends, and its periodic
 * {@link SlotsHeld} refresh makes up for a release lost in a hand-over; the entity watches every
 * holder it knows, so when a holder's node is downed or removed from the cluster
 * (or the holder stops), all its slots are released at once.
 *
 * <p><b>Limits.</b> The limit comes with each {@link Acquire} (the registration of the node that
 * admits the connection), so every node enforces its own configured {@code max-sessions} against
 * the exact cluster-wide count. XXX: while nodes run different registrations (a rolling change),
 * each enforces its own value.
 *
 * <p><b>Bad input.</b> A release of an unknown slot, or a report from a holder the entity did not
 * ask, changes nothing beyond what it states about that holder; an acquire with a limit below 1
 * is refused.
 */
public final class ClientEntity extends AbstractBehavior<ClientEntity.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "ClientEntity");

  private static final String REPORTS_TIMER = "reports-overdue";

  // ---------------------------------------------------------------- commands

  /** Everything the entity accepts; the last three are its own plumbing. */
  public sealed interface Command extends CborSerializable
      permits Acquire, Release, SlotsHeld, GetSessionCount, HoldersListed, HolderStopped,
          ReportsOverdue {}

  /**
   * A holder asks for slot {@code slot} for a new connection, under the limit {@code
   * maxSessions}; answered with a {@link SessionSlotHolder.Verdict}. Asking again for a slot the
   * entity already counts for that holder (reported as pending) decides it afresh.
   */
  public record Acquire(ActorRef<SessionSlotHolder.Command> holder, long slot, int maxSessions)
      implements Command {}

  /** The holder's connection ended (or gave up waiting): the slot is free. Idempotent. */
  public record Release(ActorRef<SessionSlotHolder.Command> holder, long slot) implements Command {}

  /**
   * A holder's whole set for this client, in answer to {@link SessionSlotHolder.ReportSlots} and
   * every {@code refresh-interval}: the slots it holds ({@code held}) and the ones it has asked
   * for without an answer yet ({@code pending}, counted until decided, so that a grant from a
   * previous incarnation is never lost). It replaces what the entity counted for that holder, so
   * a release lost in a hand-over heals.
   */
  public record SlotsHeld(ActorRef<SessionSlotHolder.Command> holder, List<Long> held,
      List<Long> pending) implements Command {
    public SlotsHeld {
      held = List.copyOf(held);
      pending = List.copyOf(pending);
    }
  }

  /** Asks how many sessions the client has open in the cluster. */
  public record GetSessionCount(ActorRef<SessionCount> replyTo) implements Command {}

  /** The answer to {@link GetSessionCount}: open slots and the nodes holding them. */
  public record SessionCount(int open, int holders) implements CborSerializable {}

  /** The Receptionist's current list of holders (local only). */
  record HoldersListed(Set<ActorRef<SessionSlotHolder.Command>> holders) implements Command {}

  /** A watched holder stopped, or its node left the cluster (local only). */
  record HolderStopped(ActorRef<SessionSlotHolder.Command> holder) implements Command {}

  /** Timer: some holders did not report within report-timeout (local only). */
  record ReportsOverdue() implements Command {}

  // ---------------------------------------------------------------- state

  /** Slot ids per holder. Mutable, owned by this actor; never leaves it. */
  static final class Slots {
    private final Map<ActorRef<SessionSlotHolder.Command>, Set<Long>> byHolder = new HashMap<>();
    private int count;

    int count() {
      return count;
    }

    int holders() {
      return (int) byHolder.values().stream().filter(s -> !s.isEmpty()).count();
    }

    boolean contains(ActorRef<SessionSlotHolder.Command> holder, long slot) {
      Set<Long> slots = byHolder.get(holder);
      return slots != null && slots.contains(slot);
    }

    void add(ActorRef<SessionSlotHolder.Command> holder, long slot) {
      if (byHolder.computeIfAbsent(holder, h -> new HashSet<>()).add(slot)) {
        count++;
      }
    }

    void remove(ActorRef<SessionSlotHolder.Command> holder, long slot) {
      Set<Long> slots = byHolder.get(holder);
      if (slots != null && slots.remove(slot)) {
        count--;
      }
    }

    /** What a holder holds, as it says: replaces everything counted for it. */
    void replace(ActorRef<SessionSlotHolder.Command> holder, List<Long> held, List<Long> pending) {
      dropHolder(holder);
      held.forEach(slot -> add(holder, slot));
      pending.forEach(slot -> add(holder, slot));
    }

    /** Forgets a holder and every slot it had; returns how many. */
    int dropHolder(ActorRef<SessionSlotHolder.Command> holder) {
      Set<Long> slots = byHolder.remove(holder);
      int dropped = slots == null ? 0 : slots.size();
      count -= dropped;
      return dropped;
    }
  }

  // ---------------------------------------------------------------- behaviour

  /** Starts the entity type on this node; not remembered (nothing to recover). */
  public static void init(ActorSystem<?> system, ClientSessionSettings settings) {
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), settings))
        .withSettings(ClusterShardingSettings.create(system).withRememberEntities(false)));
  }

  /** The entity of client {@code client}. */
  public static Behavior<Command> create(String client, ClientSessionSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        Behaviors.withStash(settings.maxWaitingAcquires(),
            stash -> new ClientEntity(ctx, timers, stash, client, settings))));
  }

  private final String client;
  private final StashBuffer<Command> waiting;
  private final TimerScheduler<Command> timers;
  private final Slots slots = new Slots();
  /** Holders asked for a report (and watched). */
  private final Set<ActorRef<SessionSlotHolder.Command>> known = new HashSet<>();
  /** Holders asked whose report has not come yet, while starting. */
  private final Set<ActorRef<SessionSlotHolder.Command>> awaited = new HashSet<>();
  private boolean listed;
  private boolean ready;

  private ClientEntity(ActorContext<Command> context, TimerScheduler<Command> timers,
      StashBuffer<Command> waiting, String client, ClientSessionSettings settings) {
    super(context);
    this.client = client;
    this.timers = timers;
    this.waiting = waiting;
    ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class,
        listing -> new HoldersListed(listing.getServiceInstances(SessionSlotHolder.KEY)));
    context.getSystem().receptionist().tell(Receptionist.subscribe(SessionSlotHolder.KEY, listings));
    timers.startSingleTimer(REPORTS_TIMER, new ReportsOverdue(), settings.reportTimeout());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Release.class, this::onRelease)
        .onMessage(SlotsHeld.class, this::onSlotsHeld)
        .onMessage(GetSessionCount.class, this::onGetSessionCount)
        .onMessage(HoldersListed.class, this::onHoldersListed)
        .onMessage(HolderStopped.class, this::onHolderStopped)
        .onMessage(ReportsOverdue.class, this::onReportsOverdue)
        .build();
  }

  private Behavior<Command> onAcquire(Acquire acquire) {
    discover(acquire.holder());
    if (!ready) {
      if (waiting.isFull()) {
        acquire.holder().tell(new SessionSlotHolder.Verdict(client, acquire.slot(),
            SessionSlotHolder.Outcome.UNAVAILABLE));
      } else {
        waiting.stash(acquire);
      }
      return this;
    }
    slots.remove(acquire.holder(), acquire.slot()); // a reported pending slot is decided afresh
    SessionSlotHolder.Outcome outcome;
    if (acquire.maxSessions() >= 1 && slots.count() < acquire.maxSessions()) {
      slots.add(acquire.holder(), acquire.slot());
      outcome = SessionSlotHolder.Outcome.GRANTED;
    } else {
      outcome = SessionSlotHolder.Outcome.LIMIT_REACHED;
    }
    acquire.holder().tell(new SessionSlotHolder.Verdict(client, acquire.slot(), outcome));
    return this;
  }

  private Behavior<Command> onRelease(Release release) {
    if (!ready && !waiting.isFull()) {
      waiting.stash(release); // never ahead of the same holder's acquire waiting here
      return this;
    }
    slots.remove(release.holder(), release.slot());
    return this;
  }

  private Behavior<Command> onSlotsHeld(SlotsHeld report) {
    discover(report.holder());
    slots.replace(report.holder(), report.held(), report.pending());
    awaited.remove(report.holder());
    return becomeReadyIfReported();
  }

  private Behavior<Command> onGetSessionCount(GetSessionCount get) {
    if (!ready) {
      if (!waiting.isFull()) {
        waiting.stash(get);
      }
      return this;
    }
    get.replyTo().tell(new SessionCount(slots.count(), slots.holders()));
    return this;
  }

  private Behavior<Command> onHoldersListed(HoldersListed listing) {
    listing.holders().forEach(this::discover);
    listed = true;
    return becomeReadyIfReported();
  }

  private Behavior<Command> onHolderStopped(HolderStopped stopped) {
    known.remove(stopped.holder());
    awaited.remove(stopped.holder());
    int dropped = slots.dropHolder(stopped.holder());
    if (dropped > 0) {
      getContext().getLog().info("client {}: {} sessions released, their node {} is gone", client,
          dropped, stopped.holder().path().address());
    }
    return becomeReadyIfReported();
  }

  private Behavior<Command> onReportsOverdue(ReportsOverdue overdue) {
    if (!ready) {
      List<String> silent = new ArrayList<>();
      awaited.forEach(h -> silent.add(h.path().address().toString()));
      getContext().getLog().warn("client {}: no slot report from {} within report-timeout; "
          + "counting without them until they answer", client, silent);
      awaited.clear();
      listed = true;
      return becomeReadyIfReported();
    }
    return this;
  }

  /** First sight of a holder: watch it and ask for the slots it holds for this client. */
  private void discover(ActorRef<SessionSlotHolder.Command> holder) {
    if (known.add(holder)) {
      getContext().watchWith(holder, new HolderStopped(holder));
      holder.tell(new SessionSlotHolder.ReportSlots(client));
      if (!ready) {
        awaited.add(holder);
      }
    }
  }

  private Behavior<Command> becomeReadyIfReported() {
    if (ready || !listed || !awaited.isEmpty()) {
      return this;
    }
    ready = true;
    timers.cancel(REPORTS_TIMER);
    return waiting.unstashAll(this);
  }
}

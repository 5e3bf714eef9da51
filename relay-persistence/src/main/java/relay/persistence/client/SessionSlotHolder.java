package relay.persistence.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import relay.persistence.CborSerializable;

/**
 * The session slots of this node's SMTP connections, one actor per node, registered with the
 * Receptionist under {@link #KEY}. It is the truth about its own slots: it asks the client's
 * {@link ClientEntity} for each new one, tells it each release, and reports what it holds to an
 * entity that starts afresh. Its death (the node downed, removed or stopped) is what frees its
 * slots: every entity that counts them watches it.
 *
 * <p>All its messages to an entity go through Cluster Sharding, so they reach the entity's current
 * incarnation in the order they were sent, or not at all: sharding drops messages to an entity
 * being handed over to another node. So the holder asks again for a slot without a verdict every
 * {@code resend-interval}, and every {@code refresh-interval} tells each entity the whole set it
 * holds (which replaces what the entity counted for this node, so a lost release heals). A slot
 * it asked for but has no verdict on is
 * <i>pending</i>: reported as such (counted until decided); if such a reported slot is then
 * refused, it tells a release so that the count drops it. A verdict that comes after the
 * connection gave up is answered with a release.
 *
 * <p>Memory: one small entry per open or pending connection of this node.
 */
public final class SessionSlotHolder extends AbstractBehavior<SessionSlotHolder.Command> {

  /** Every node's holder is registered under this key. */
  public static final ServiceKey<Command> KEY =
      ServiceKey.create(Command.class, "client-session-slots");

  /** What an entity decided about a slot. */
  public enum Outcome {
    /** The slot is the connection's: greet it. */
    GRANTED,
    /** The client has its maximum of sessions: 421 4.4.5. */
    LIMIT_REACHED,
    /** The entity cannot decide now (too many acquires waiting while it starts): 421 4.3.0. */
    UNAVAILABLE
  }

  // ---------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable
      permits Acquire, Release, ReportSlots, Verdict, Resend, Refresh {}

  /**
   * A new connection of {@code client} wants slot {@code slot} (a number unique on this node)
   * under the limit {@code maxSessions}; {@code replyTo} gets the {@link Outcome}. Sent locally.
   */
  public record Acquire(String client, long slot, int maxSessions, ActorRef<Outcome> replyTo)
      implements Command {}

  /** The connection of slot {@code slot} ended, or gave up waiting. Idempotent. Sent locally. */
  public record Release(long slot) implements Command {}

  /** A starting {@link ClientEntity} asks for the slots held for {@code client}. */
  public record ReportSlots(String client) implements Command {}

  /** The entity's answer to an acquire. */
  public record Verdict(String client, long slot, Outcome outcome) implements Command {}

  /** Timer: ask again for the slots still without a verdict. */
  private record Resend() implements Command {}

  /** Timer: tell every entity this node has slots with the whole set it holds. */
  private record Refresh() implements Command {}

  // ---------------------------------------------------------------- state

  /** One slot of this node: its client, and the waiting connection until the verdict. */
  private static final class Slot {
    final String client;
    final int maxSessions;
    ActorRef<Outcome> waiting; // null once granted
    boolean reported; // reported to an entity while pending

    Slot(String client, int maxSessions, ActorRef<Outcome> waiting) {
      this.client = client;
      this.maxSessions = maxSessions;
      this.waiting = waiting;
    }
  }

  // ---------------------------------------------------------------- behaviour

  /**
   * The holder; {@code entities} gives the way to a client's entity (Cluster Sharding in the
   * node).
   */
  public static Behavior<Command> create(
      Function<String, RecipientRef<ClientEntity.Command>> entities,
      ClientSessionSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Resend(), settings.resendInterval());
      timers.startTimerWithFixedDelay(new Refresh(), settings.refreshInterval());
      return new SessionSlotHolder(ctx, entities);
    }));
  }

  private final Function<String, RecipientRef<ClientEntity.Command>> entities;
  private final Map<Long, Slot> slots = new HashMap<>();

  private SessionSlotHolder(ActorContext<Command> context,
      Function<String, RecipientRef<ClientEntity.Command>> entities) {
    super(context);
    this.entities = entities;
    context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Release.class, this::onRelease)
        .onMessage(ReportSlots.class, this::onReportSlots)
        .onMessage(Verdict.class, this::onVerdict)
        .onMessage(Resend.class, r -> onResend())
        .onMessage(Refresh.class, r -> onRefresh())
        .build();
  }

  private Behavior<Command> onAcquire(Acquire acquire) {
    slots.put(acquire.slot(), new Slot(acquire.client(), acquire.maxSessions(), acquire.replyTo()));
    entities.apply(acquire.client()).tell(
        new ClientEntity.Acquire(getContext().getSelf(), acquire.slot(), acquire.maxSessions()));
    return this;
  }

  private Behavior<Command> onRelease(Release release) {
    Slot slot = slots.remove(release.slot());
    if (slot != null) {
      tellRelease(slot.client, release.slot());
    }
    return this;
  }

  private Behavior<Command> onReportSlots(ReportSlots report) {
    report(report.client());
    return this;
  }

  /** Tells the client's entity every slot held or pending here for it (the whole set). */
  private void report(String client) {
    List<Long> held = new ArrayList<>();
    List<Long> pending = new ArrayList<>();
    slots.forEach((id, slot) -> {
      if (slot.client.equals(client)) {
        if (slot.waiting == null) {
          held.add(id);
        } else {
          slot.reported = true;
          pending.add(id);
        }
      }
    });
    entities.apply(client).tell(new ClientEntity.SlotsHeld(getContext().getSelf(), held, pending));
  }

  private Behavior<Command> onResend() {
    slots.forEach((id, slot) -> {
      if (slot.waiting != null) {
        entities.apply(slot.client).tell(
            new ClientEntity.Acquire(getContext().getSelf(), id, slot.maxSessions));
      }
    });
    return this;
  }

  private Behavior<Command> onRefresh() {
    slots.values().stream().map(slot -> slot.client).distinct().forEach(this::report);
    return this;
  }

  private Behavior<Command> onVerdict(Verdict verdict) {
    Slot slot = slots.get(verdict.slot());
    if (slot == null || slot.waiting == null) {
      if (slot == null && verdict.outcome() == Outcome.GRANTED) {
        tellRelease(verdict.client(), verdict.slot()); // the connection already gave up
      }
      return this;
    }
    slot.waiting.tell(verdict.outcome());
    slot.waiting = null;
    if (verdict.outcome() != Outcome.GRANTED) {
      slots.remove(verdict.slot());
      if (slot.reported) {
        tellRelease(slot.client, verdict.slot()); // a report counted it while pending
      }
    }
    return this;
  }

  private void tellRelease(String client, long slot) {
    entities.apply(client).tell(new ClientEntity.Release(getContext().getSelf(), slot));
  }
}

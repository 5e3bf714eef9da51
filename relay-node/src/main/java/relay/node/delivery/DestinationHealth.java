package relay.node.delivery;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * This node's view of which destinations are degraded: a connection to one of their addresses
 * timed out, could not be made, or broke without an answer, less than {@code degraded-for} ago,
 * and no connection has succeeded since. While a destination is degraded, only one connection
 * attempt at a time (the probe) opens to it from this node; any other is turned away at once
 * (451 4.4.1, and its queue suspends the destination as after a failed connect).
 *
 * <p>Why a node-wide view on top of the queue's own suspension: a destination queue starts up to
 * max-connections workers before its first failure is known, and they all hit the same black
 * hole. The first of them to fail marks the destination and carries on as the probe through the
 * remaining addresses; the others stop after the address they are on instead of each trying every
 * address in turn. The sub-queues of one domain and the DSN path share the view too. So a
 * hostile destination holds max-connections threads for one address's timeout, then one.
 *
 * <p>Bounded: only degraded destinations are kept, at most {@code MAX_ENTRIES}; beyond, expired
 * entries are dropped and then new ones are not recorded (the queue's suspension still applies).
 */
final class DestinationHealth {

  static final int MAX_ENTRIES = 100_000;

  /** One connect attempt's standing with its destination. */
  static final class Ticket {
    private final String domain;
    private boolean probe;

    private Ticket(String domain, boolean probe) {
      this.domain = domain;
      this.probe = probe;
    }

    boolean isProbe() {
      return probe;
    }
  }

  private static final class State {
    long degradedUntil;
    boolean probing;
  }

  private final long degradedForNanos;
  private final LongSupplier clock;
  private final Map<String, State> degraded = new HashMap<>();

  DestinationHealth(Duration degradedFor) {
    this(degradedFor, System::nanoTime);
  }

  DestinationHealth(Duration degradedFor, LongSupplier clock) {
    this.degradedForNanos = degradedFor.toNanos();
    this.clock = clock;
  }

  /**
   * A connect attempt begins. Null when the destination is degraded and another attempt of this
   * node is already probing it: turn this one away.
   */
  synchronized Ticket enter(String domain) {
    State state = current(domain);
    if (state == null) {
      return new Ticket(domain, false);
    }
    if (state.probing) {
      return null;
    }
    state.probing = true;
    return new Ticket(domain, true);
  }

  /** Whether the attempt may go on to its next address (only the probe may, once degraded). */
  synchronized boolean mayTryNext(Ticket ticket) {
    return ticket.probe || current(ticket.domain) == null;
  }

  /**
   * A connection of this attempt got no answer: the destination is degraded from now on. The
   * first attempt to notice becomes the probe if there is none.
   */
  synchronized void failed(Ticket ticket) {
    State state = markDegraded(ticket.domain);
    if (state != null && !state.probing) {
      state.probing = true;
      ticket.probe = true;
    }
  }

  /** A transaction on an open connection timed out before any completed: degraded too. */
  synchronized void degraded(String domain) {
    markDegraded(domain);
  }

  /** A connection opened: the destination answers again. */
  synchronized void succeeded(String domain) {
    degraded.remove(domain);
  }

  /** The attempt is over (connected or not): a probe frees its place. */
  synchronized void leave(Ticket ticket) {
    if (ticket.probe) {
      State state = degraded.get(ticket.domain);
      if (state != null) {
        state.probing = false;
      }
      ticket.probe = false;
    }
  }

  synchronized boolean isDegraded(String domain) {
    return current(domain) != null;
  }

  private State current(String domain) {
    State state = degraded.get(domain);
    if (state == null) {
      return null;
    }
    if (state.degradedUntil - clock.getAsLong() <= 0) {
      if (!state.probing) {
        degraded.remove(domain);
      }
      return null;
    }
    return state;
  }

  private State markDegraded(String domain) {
    if (degradedForNanos <= 0) {
      return null;
    }
    State state = degraded.get(domain);
    if (state == null) {
      if (degraded.size() >= MAX_ENTRIES) {
        long now = clock.getAsLong();
        degraded.values().removeIf(s -> !s.probing && s.degradedUntil - now <= 0);
        if (degraded.size() >= MAX_ENTRIES) {
          return null;
        }
      }
      state = new State();
      degraded.put(domain, state);
    }
    state.degradedUntil = clock.getAsLong() + degradedForNanos;
    return state;
  }
}

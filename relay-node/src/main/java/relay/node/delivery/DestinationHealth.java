package relay.node.delivery;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * This node's view of destinations that stopped answering in time, so that a hostile one holds
 * few delivery threads. Only timeouts count (a connect, a greeting, a reply that did not come):
 * a refused or reset connection fails at once and holds no thread.
 *
 * <ul>
 *   <li>When an address of a destination times out, the destination is <em>suspect</em> and the
 *       attempt that saw it first becomes the probe: it goes on through the remaining addresses.
 *       Any other attempt whose own address timed out stops there instead of trying every
 *       address in turn (a destination queue starts up to max-connections workers before its
 *       first failure is known, and they all hit the same black hole at once).
 *   <li>When a whole attempt found no address that answered in time, or a server timed out
 *       before it finished any transaction, the destination is <em>degraded</em>: only one
 *       attempt at a time (the probe) goes to it from this node; any other is turned away at
 *       once (451 4.4.1, and its queue suspends the destination as after a failed connect). The
 *       sub-queues of a domain share this view.
 *   <li>A connection that opens clears both; otherwise they end {@code degraded-for} after the
 *       last timeout.
 * </ul>
 *
 * A destination where one address of many is black-holed is only suspect while an attempt moves
 * past that address: other attempts are not turned away, so its queue keeps its connections.
 *
 * <p>Bounded: only troubled destinations are kept, at most {@link #MAX_ENTRIES}; beyond, expired
 * entries are dropped and then new ones are not recorded (the queue's suspension still applies).
 */
final class DestinationHealth {

  static final int MAX_ENTRIES = 100_000;

  /** One connect attempt's standing with its destination. */
  static final class Ticket {
    private final String domain;
    private boolean probe;
    private boolean timedOut;

    private Ticket(String domain, boolean probe) {
      this.domain = domain;
      this.probe = probe;
    }

    boolean isProbe() {
      return probe;
    }
  }

  private static final class State {
    long suspectUntil;
    long degradedUntil;
    boolean degraded;
    boolean probing;
  }

  private final long holdNanos;
  private final LongSupplier clock;
  private final Map<String, State> troubled = new HashMap<>();

  DestinationHealth(Duration degradedFor) {
    this(degradedFor, System::nanoTime);
  }

  DestinationHealth(Duration degradedFor, LongSupplier clock) {
    this.holdNanos = degradedFor.toNanos();
    this.clock = clock;
  }

  /**
   * A connect attempt begins. Null when the destination is degraded and another attempt of this
   * node is already probing it: turn this one away.
   */
  synchronized Ticket enter(String domain) {
    State state = current(domain);
    if (state == null || !isDegraded(state)) {
      return new Ticket(domain, false);
    }
    if (state.probing) {
      return null;
    }
    state.probing = true;
    return new Ticket(domain, true);
  }

  /** Whether the attempt may go on to its next address: not after its own timeout, unless it probes. */
  synchronized boolean mayTryNext(Ticket ticket) {
    return ticket.probe || !ticket.timedOut || current(ticket.domain) == null;
  }

  /** An address of this attempt did not answer in time; the first attempt to see it probes. */
  synchronized void timedOut(Ticket ticket) {
    ticket.timedOut = true;
    State state = record(ticket.domain);
    if (state == null) {
      return;
    }
    state.suspectUntil = clock.getAsLong() + holdNanos;
    if (!state.probing) {
      state.probing = true;
      ticket.probe = true;
    }
  }

  /** The whole attempt ended without a connection, after a timeout: the destination is degraded. */
  synchronized void attemptFailed(Ticket ticket) {
    if (ticket.timedOut) {
      degraded(ticket.domain);
    }
  }

  /** A server timed out before it finished any transaction on its connection: degraded too. */
  synchronized void degraded(String domain) {
    State state = record(domain);
    if (state != null) {
      long until = clock.getAsLong() + holdNanos;
      state.degraded = true;
      state.degradedUntil = until;
      state.suspectUntil = until;
    }
  }

  /** A connection opened: the destination answers again. */
  synchronized void succeeded(String domain) {
    troubled.remove(domain);
  }

  /** The attempt is over (connected or not): a probe frees its place. */
  synchronized void leave(Ticket ticket) {
    if (ticket.probe) {
      State state = troubled.get(ticket.domain);
      if (state != null) {
        state.probing = false;
      }
      ticket.probe = false;
    }
  }

  synchronized boolean isDegraded(String domain) {
    State state = current(domain);
    return state != null && isDegraded(state);
  }

  synchronized boolean isSuspect(String domain) {
    return current(domain) != null;
  }

  private boolean isDegraded(State state) {
    return state.degraded && state.degradedUntil - clock.getAsLong() > 0;
  }

  /** The state of a troubled destination, or null once its last timeout is older than the hold. */
  private State current(String domain) {
    State state = troubled.get(domain);
    if (state == null) {
      return null;
    }
    if (state.suspectUntil - clock.getAsLong() <= 0) {
      if (!state.probing) {
        troubled.remove(domain);
      }
      return null;
    }
    return state;
  }

  private State record(String domain) {
    if (holdNanos <= 0) {
      return null;
    }
    State state = troubled.get(domain);
    if (state == null) {
      if (troubled.size() >= MAX_ENTRIES) {
        long now = clock.getAsLong();
        troubled.values().removeIf(s -> !s.probing && s.suspectUntil - now <= 0);
        if (troubled.size() >= MAX_ENTRIES) {
          return null;
        }
      }
      state = new State();
      troubled.put(domain, state);
    }
    return state;
  }
}

package relay.persistence.queue;

import java.time.Clock;
import java.util.Objects;
import relay.persistence.history.MessageHistory;
import relay.persistence.spool.Spool;

/**
 * The I/O a {@code DeliveryQueue} needs and does not own, implemented by the node.
 *
 * @param clock decides every time carried by events (tests may offset it)
 * @param history takes each persisted outcome for the message history (never blocks)
 * @param outcomes counts the recipients of each persisted outcome (the node's metrics)
 * @param delays where clients' delayed messages are reported (relay.notices)
 */
public record DeliveryPorts(DeliveryTransport transport, Spool spool, DsnPort dsn, Clock clock,
    MessageHistory history, OutcomeCounter outcomes, DelayWatch delays) {

  public DeliveryPorts {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(spool, "spool");
    Objects.requireNonNull(dsn, "dsn");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(outcomes, "outcomes");
    Objects.requireNonNull(delays, "delays");
  }

  /** Ports whose outcomes are counted nowhere, without delay reports. */
  public DeliveryPorts(DeliveryTransport transport, Spool spool, DsnPort dsn, Clock clock,
      MessageHistory history) {
    this(transport, spool, dsn, clock, history, OutcomeCounter.NONE, DelayWatch.OFF);
  }

  /** Ports without message history, outcome counts and delay reports. */
  public DeliveryPorts(DeliveryTransport transport, Spool spool, DsnPort dsn, Clock clock) {
    this(transport, spool, dsn, clock, MessageHistory.NONE, OutcomeCounter.NONE, DelayWatch.OFF);
  }
}

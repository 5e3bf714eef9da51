package relay.persistence.queue;

import java.time.Clock;
import java.util.Objects;
import relay.persistence.spool.Spool;

/**
 * The I/O a {@code DeliveryQueue} needs and does not own, implemented by the node.
 *
 * @param clock decides every time carried by events (tests may offset it)
 */
public record DeliveryPorts(DeliveryTransport transport, Spool spool, DsnPort dsn, Clock clock) {

  public DeliveryPorts {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(spool, "spool");
    Objects.requireNonNull(dsn, "dsn");
    Objects.requireNonNull(clock, "clock");
  }
}

package relay.node.delivery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The node-wide view of degraded destinations, on a clock the test moves. */
class DestinationHealthTest {

  private final AtomicLong now = new AtomicLong();
  private final DestinationHealth health = new DestinationHealth(Duration.ofSeconds(60), now::get);

  @Test
  void aHealthyDestinationTakesEveryAttemptAndEveryAddress() {
    DestinationHealth.Ticket a = health.enter("d.test");
    DestinationHealth.Ticket b = health.enter("d.test");
    assertNotNull(a);
    assertNotNull(b);
    assertTrue(health.mayTryNext(a) && health.mayTryNext(b));
  }

  @Test
  void theFirstToFailBecomesTheProbeAndTheOthersStopAfterTheirAddress() {
    DestinationHealth.Ticket first = health.enter("d.test");
    DestinationHealth.Ticket second = health.enter("d.test");
    health.failed(first);
    assertTrue(first.isProbe());
    assertTrue(health.mayTryNext(first), "the probe goes on through the addresses");
    assertFalse(health.mayTryNext(second), "the others stop after the address they are on");
    health.failed(second);
    assertFalse(second.isProbe());
    assertNull(health.enter("d.test"), "a new attempt is turned away while the probe runs");
    assertNotNull(health.enter("other.test"), "other destinations are not concerned");

    health.leave(second);
    health.leave(first);
    DestinationHealth.Ticket next = health.enter("d.test");
    assertTrue(next.isProbe(), "once the probe is over, the next attempt probes");
    assertNull(health.enter("d.test"));
  }

  @Test
  void aSuccessOrTheEndOfDegradedForMakesItHealthyAgain() {
    DestinationHealth.Ticket t = health.enter("d.test");
    health.failed(t);
    health.leave(t);
    assertTrue(health.isDegraded("d.test"));
    health.succeeded("d.test");
    assertFalse(health.isDegraded("d.test"));

    health.degraded("d.test"); // a transaction timed out on an open connection
    assertTrue(health.isDegraded("d.test"));
    now.addAndGet(Duration.ofSeconds(61).toNanos());
    assertFalse(health.isDegraded("d.test"));
    assertFalse(health.enter("d.test").isProbe());
  }

  @Test
  void zeroTurnsItOff() {
    DestinationHealth off = new DestinationHealth(Duration.ZERO, now::get);
    DestinationHealth.Ticket t = off.enter("d.test");
    off.failed(t);
    assertFalse(off.isDegraded("d.test"));
    assertNotNull(off.enter("d.test"));
  }
}

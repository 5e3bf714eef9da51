package relay.node.delivery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The node-wide view of destinations that stopped answering, on a clock the test moves. */
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
  void theFirstToTimeOutProbesAndTheOthersStopAfterTheirOwnTimeout() {
    DestinationHealth.Ticket first = health.enter("d.test");
    DestinationHealth.Ticket second = health.enter("d.test");
    DestinationHealth.Ticket third = health.enter("d.test");
    health.timedOut(first);
    assertTrue(first.isProbe());
    assertTrue(health.mayTryNext(first), "the probe goes on through the addresses");
    assertTrue(health.mayTryNext(third), "an attempt whose own address answered goes on");
    health.timedOut(second);
    assertFalse(second.isProbe());
    assertFalse(health.mayTryNext(second), "another attempt stops after its own timeout");
    assertTrue(health.isSuspect("d.test"));
    assertFalse(health.isDegraded("d.test"));
    assertNotNull(health.enter("d.test"), "only suspect: new attempts still go");

    health.attemptFailed(second);
    health.leave(second);
    assertTrue(health.isDegraded("d.test"), "a whole attempt found nothing answering");
    assertNull(health.enter("d.test"), "turned away while the probe runs");
    assertNotNull(health.enter("other.test"), "other destinations are not concerned");

    health.leave(first);
    DestinationHealth.Ticket next = health.enter("d.test");
    assertTrue(next.isProbe(), "once the probe is over, the next attempt probes");
    assertNull(health.enter("d.test"));
  }

  @Test
  void oneBlackHoledAddressAmongGoodOnesNeverTurnsAttemptsAway() {
    DestinationHealth.Ticket a = health.enter("big.test");
    health.timedOut(a);
    DestinationHealth.Ticket b = health.enter("big.test");
    assertNotNull(b);
    health.succeeded("big.test"); // a's next address answered
    health.leave(a);
    assertFalse(health.isSuspect("big.test"));
    assertTrue(health.mayTryNext(b));
  }

  @Test
  void aStalledTransactionDegradesAndASuccessOrTheHoldEndsIt() {
    health.degraded("d.test");
    assertTrue(health.isDegraded("d.test"));
    health.succeeded("d.test");
    assertFalse(health.isDegraded("d.test"));

    health.degraded("d.test");
    now.addAndGet(Duration.ofSeconds(61).toNanos());
    assertFalse(health.isDegraded("d.test"));
    assertFalse(health.enter("d.test").isProbe());
  }

  @Test
  void zeroTurnsItOff() {
    DestinationHealth off = new DestinationHealth(Duration.ZERO, now::get);
    DestinationHealth.Ticket t = off.enter("d.test");
    off.timedOut(t);
    off.attemptFailed(t);
    assertFalse(off.isDegraded("d.test"));
    assertNotNull(off.enter("d.test"));
    assertTrue(off.mayTryNext(t));
  }
}

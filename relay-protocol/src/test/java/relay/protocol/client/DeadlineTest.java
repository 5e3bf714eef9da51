package relay.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The deadline arithmetic on a clock the test moves by hand. */
class DeadlineTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private Deadline after(long millis) {
    return Deadline.after(Duration.ofMillis(millis), now::get);
  }

  private void advance(long millis) {
    now.addAndGet(millis * 1_000_000L);
  }

  @Test
  void aDeadlineStaysWhereItIsWhateverHappensMeanwhile() {
    Deadline d = after(1000);
    advance(400);
    assertEquals(600, d.waitMillis());
    advance(599);
    assertEquals(1, d.waitMillis());
    assertFalse(d.expired());
    advance(1);
    assertTrue(d.expired());
    assertEquals(0, d.waitMillis(), "0 means: do not wait at all (never a socket's 'for ever')");
    assertEquals(Duration.ZERO, d.remaining());
  }

  @Test
  void lessThanAMillisecondLeftStillWaitsOneMillisecond() {
    Deadline d = after(1);
    now.addAndGet(999_000L);
    assertEquals(1, d.waitMillis());
  }

  @Test
  void aStepEndsAtItsOwnTimeoutOrTheAttemptsWhicheverComesFirst() {
    Deadline attempt = after(1000);
    Deadline shortStep = attempt.within(Duration.ofMillis(300));
    assertEquals(300, shortStep.waitMillis());
    assertTrue(shortStep.isBefore(attempt));

    advance(900);
    Deadline lateStep = attempt.within(Duration.ofMillis(300));
    assertSame(attempt, lateStep, "the attempt ends first");
    assertEquals(100, lateStep.waitMillis());
    assertSame(attempt, attempt.earliest(after(5000)));
  }

  @Test
  void hugeTimeoutsDoNotOverflow() {
    Deadline never = Deadline.after(Duration.ofSeconds(Long.MAX_VALUE), now::get);
    assertFalse(never.expired());
    assertEquals(Integer.MAX_VALUE, never.waitMillis());
    assertTrue(after(10).isBefore(never));
    assertTrue(Deadline.after(Duration.ofMillis(-5), now::get).expired(), "a negative timeout is already over");
  }

  @Test
  void comparisonSurvivesTheNanoClockWrappingAround() {
    now.set(Long.MAX_VALUE - 500_000_000L); // 0.5 s before System.nanoTime() would wrap
    Deadline early = after(100);
    Deadline late = after(2000); // beyond the wrap
    assertTrue(early.isBefore(late));
    advance(1000);
    assertTrue(early.expired());
    assertFalse(late.expired());
    assertEquals(1000, late.waitMillis());
  }
}

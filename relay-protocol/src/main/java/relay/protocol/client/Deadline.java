package relay.protocol.client;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * An absolute point in time on the monotonic clock ({@link System#nanoTime()}): the end of one
 * reply's wait or of one whole delivery attempt. Unlike a socket's read timeout, which starts
 * again with every read (so a server dripping a byte every few minutes is never cut off), a
 * deadline stays where it is however the time is spent. Immutable; compare and combine freely.
 */
public final class Deadline {

  private final long atNanos;
  private final LongSupplier clock;

  private Deadline(long atNanos, LongSupplier clock) {
    this.atNanos = atNanos;
    this.clock = clock;
  }

  /** {@code timeout} from now. */
  public static Deadline after(Duration timeout) {
    return after(timeout, System::nanoTime);
  }

  /** {@code timeout} from now on the given nanosecond clock (tests drive time by hand). */
  static Deadline after(Duration timeout, LongSupplier clock) {
    // Deadlines are compared by the sign of their difference (nanoTime may wrap), which holds for
    // any two within 2^62 ns (146 years) of each other: longer timeouts are cut to that.
    long nanos = Math.min(saturatedNanos(timeout), Long.MAX_VALUE / 2);
    return new Deadline(clock.getAsLong() + nanos, clock);
  }

  /** True once the deadline has passed. */
  public boolean expired() {
    return atNanos - clock.getAsLong() <= 0;
  }

  /** Time left, never negative. */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, atNanos - clock.getAsLong()));
  }

  /**
   * Milliseconds a blocking call may wait: the time left rounded up to a whole millisecond (a
   * socket timeout of 0 would mean "for ever"), or 0 when the deadline has passed.
   */
  public int waitMillis() {
    long left = atNanos - clock.getAsLong();
    if (left <= 0) {
      return 0;
    }
    long millis = left / 1_000_000 + (left % 1_000_000 == 0 ? 0 : 1);
    return (int) Math.min(Integer.MAX_VALUE, millis);
  }

  /** The earlier of the two: a step's own timeout bounded by the attempt it belongs to. */
  public Deadline earliest(Deadline other) {
    return isBefore(other) ? this : other;
  }

  /** A step of at most {@code timeout} that must also end by this deadline. */
  public Deadline within(Duration timeout) {
    return after(timeout, clock).earliest(this);
  }

  /** True when this deadline comes strictly before {@code other}. */
  public boolean isBefore(Deadline other) {
    return atNanos - other.atNanos < 0;
  }

  private static long saturatedNanos(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "Deadline[in " + remaining().toMillis() + " ms]";
  }
}

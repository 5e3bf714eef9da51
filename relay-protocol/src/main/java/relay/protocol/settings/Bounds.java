package relay.protocol.settings;

import java.time.Duration;
import java.util.Objects;

/**
 * The one bounds check of every settings record in the relay: a value outside its documented
 * range stops the node at start with a message that names the full key, the value and the range
 * ("relay.smtp.server.max-errors = 0 is outside 1 .. 1000").
 */
public final class Bounds {

  private Bounds() {}

  public static int within(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw outside(key, value, min, max);
    }
    return value;
  }

  public static long within(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw outside(key, value, min, max);
    }
    return value;
  }

  public static double within(String key, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw outside(key, value, min, max);
    }
    return value;
  }

  public static Duration within(String key, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, key);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw outside(key, value, min, max);
    }
    return value;
  }

  private static IllegalArgumentException outside(String key, Object value, Object min,
      Object max) {
    return new IllegalArgumentException(key + " = " + value + " is outside " + min + " .. " + max);
  }
}

package relay.persistence.queue;

import com.typesafe.config.Config;
import java.time.Duration;

/** Bounds checks shared by the settings records; messages name the offending key. */
final class SettingsChecks {

  private SettingsChecks() {}

  static int intIn(Config c, String key, int min, int max) {
    int v = c.getInt(key);
    if (v < min || v > max) {
      throw new IllegalArgumentException(key + " = " + v + " is outside " + min + ".." + max);
    }
    return v;
  }

  static double doubleIn(Config c, String key, double min, double max) {
    double v = c.getDouble(key);
    if (v < min || v > max) {
      throw new IllegalArgumentException(key + " = " + v + " is outside " + min + ".." + max);
    }
    return v;
  }

  static Duration durationIn(Config c, String key, Duration min, Duration max) {
    return check(key, c.getDuration(key), min, max);
  }

  static Duration check(String key, Duration v, Duration min, Duration max) {
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw new IllegalArgumentException(key + " = " + v + " is outside " + min + ".." + max);
    }
    return v;
  }

  static void positive(String key, long v, long min, long max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(key + " = " + v + " is outside " + min + ".." + max);
    }
  }
}

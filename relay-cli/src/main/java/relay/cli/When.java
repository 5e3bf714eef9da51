package relay.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times given on the command line: an ISO-8601 instant ({@code 2026-12-31T00:00:00Z}) or a
 * duration counted from now ({@code 500ms}, {@code 90s}, {@code 30m}, {@code 2h}, {@code 7d}, or ISO-8601
 * {@code PT2H}), forward for an end ({@code --until 2h}: two hours from now), backward for a
 * start ({@code --since 1d}: one day ago). A value that is neither is a usage error naming the
 * option.
 */
final class When {

  private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d|w)");

  private When() {}

  /** {@code text} as an instant; a duration is added to {@code now}. */
  static Instant ahead(String option, String text, Instant now) {
    return instant(option, text, now, 1);
  }

  /** {@code text} as an instant; a duration is taken from {@code now}. */
  static Instant ago(String option, String text, Instant now) {
    return instant(option, text, now, -1);
  }

  private static Instant instant(String option, String text, Instant now, int sign) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      Duration d = duration(option, text);
      return sign > 0 ? now.plus(d) : now.minus(d);
    }
  }

  /** A positive duration: 500ms, 90s, 30m, 2h, 7d, 2w or ISO-8601 (PT1H30M). */
  static Duration duration(String option, String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    Matcher m = SHORT.matcher(t);
    Duration d = null;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms": d = Duration.ofMillis(n); break;
        case "s": d = Duration.ofSeconds(n); break;
        case "m": d = Duration.ofMinutes(n); break;
        case "h": d = Duration.ofHours(n); break;
        case "d": d = Duration.ofDays(n); break;
        default: d = Duration.ofDays(7 * n); break;
      }
    } else if (t.startsWith("p")) {
      try {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        d = null;
      }
    }
    if (d == null || d.isNegative() || d.isZero()) {
      throw new CliFailure(ExitCodes.USAGE, option + ": '" + Cells.clean(text) + "' is neither"
          + " an instant (2026-12-31T00:00:00Z) nor a positive duration (90s, 30m, 2h, 7d, 2w)");
    }
    return d;
  }
}

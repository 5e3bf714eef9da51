package relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How one value of the API's JSON is shown in a table cell or a detail line. Everything the node
 * sends is text from outside (a sender address, a remote server's reply, an operator's reason):
 * control and format characters become '?' so that no answer can move the cursor or recolour an
 * operator's terminal.
 */
final class Cells {

  /** What an absent or null value shows. */
  static final String NONE = "-";

  private Cells() {}

  /** {@code text} with every control or format character replaced by '?'. */
  static String clean(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> {
      int type = Character.getType(cp);
      if (type == Character.CONTROL || type == Character.FORMAT || cp == 0x2028
          || cp == 0x2029) {
        out.append('?');
      } else {
        out.appendCodePoint(cp);
      }
    });
    return out.toString();
  }

  /** A field of an object: text as is, numbers and booleans as written, lists joined by ", ". */
  static String text(JsonNode object, String field) {
    return text(object.path(field));
  }

  static String text(JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return NONE;
    }
    if (value.isTextual()) {
      return clean(value.textValue());
    }
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(v -> items.add(text(v)));
      return items.isEmpty() ? NONE : String.join(", ", items);
    }
    return clean(value.toString());
  }

  /** An ISO-8601 instant to the second ({@code 2026-12-05T08:14:24Z}); other text as is. */
  static String instant(JsonNode value) {
    String text = text(value);
    if (!value.isTextual()) {
      return text;
    }
    try {
      return Instant.parse(value.textValue()).truncatedTo(ChronoUnit.SECONDS).toString();
    } catch (DateTimeParseException e) {
      return text;
    }
  }

  /** A number of seconds as the two largest units: 45s, 5m40s, 3h12m, 2d4h. */
  static String age(JsonNode seconds) {
    return seconds.isNumber() ? age(seconds.asLong()) : text(seconds);
  }

  static String age(long seconds) {
    if (seconds < 0) {
      return NONE;
    }
    long d = seconds / 86_400;
    long h = seconds % 86_400 / 3_600;
    long m = seconds % 3_600 / 60;
    long s = seconds % 60;
    if (d > 0) {
      return d + "d" + (h > 0 ? h + "h" : "");
    }
    if (h > 0) {
      return h + "h" + (m > 0 ? m + "m" : "");
    }
    if (m > 0) {
      return m + "m" + (s > 0 ? s + "s" : "");
    }
    return s + "s";
  }

  /** Octets as {@code ls -h} shows them: 980, 1.5K, 35M, 2.0G. */
  static String size(JsonNode octets) {
    return octets.isNumber() ? size(octets.asLong()) : text(octets);
  }

  static String size(long octets) {
    if (octets < 1024) {
      return Long.toString(octets);
    }
    String[] units = {"K", "M", "G", "T"};
    double v = octets;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (v < 10 ? String.format(Locale.ROOT, "%.1f", v) : Long.toString(Math.round(v)))
        + units[u];
  }

  /** A timeout as given: 10s, 1m30s, 250ms. */
  static String duration(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    return age(d.toSeconds());
  }
}

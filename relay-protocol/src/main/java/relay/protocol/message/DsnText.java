package relay.protocol.message;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Text helpers for DSN fields: RFC 5322 dates, one-line values, folding. */
final class DsnText {

  /** RFC 5322 3.3 date-time, always in UTC: "Tue, 3 Jun 2025 11:05:30 +0000". */
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

  private DsnText() {}

  static String date(Instant instant) {
    return DATE.format(instant);
  }

  /** Refuses a value that could start a new header line or field. */
  static void requireOneLine(String what, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == '\0') {
        throw new IllegalArgumentException(what + " contains a line break or NUL");
      }
    }
  }

  /** Control characters (a remote server's text may hold any) become spaces. */
  static String oneLine(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      out.append(c < ' ' || c == 127 ? ' ' : c);
    }
    return out.toString();
  }

  /**
   * Appends "Name: value" CRLF, folding at spaces so lines stay under 78 characters where the
   * value allows (RFC 5322 2.2.3); a word longer than that stays whole on its own line.
   */
  static void field(StringBuilder out, String name, String value) {
    String text = oneLine(value);
    int lineLength = name.length() + 2;
    out.append(name).append(": ");
    int i = 0;
    boolean firstWord = true;
    while (i < text.length()) {
      int next = text.indexOf(' ', i);
      String word = next < 0 ? text.substring(i) : text.substring(i, next);
      i = next < 0 ? text.length() : next + 1;
      if (word.isEmpty()) {
        continue;
      }
      if (!firstWord && lineLength + 1 + word.length() > 78) {
        out.append("\r\n ");
        lineLength = 1;
      } else if (!firstWord) {
        out.append(' ');
        lineLength++;
      }
      out.append(word);
      lineLength += word.length();
      firstWord = false;
    }
    out.append("\r\n");
  }

  static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 127) {
        return false;
      }
    }
    return true;
  }
}

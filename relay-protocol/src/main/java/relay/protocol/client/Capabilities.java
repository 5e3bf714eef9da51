package relay.protocol.client;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the server offered in its EHLO reply (RFC 5321 4.1.1.1). After a HELO fallback nothing is
 * offered ({@link #none()}).
 *
 * @param esmtp the server answered EHLO
 * @param pipelining RFC 2920
 * @param size the SIZE extension is offered (RFC 1870)
 * @param maxSize the fixed size limit it announced, 0 when none
 * @param eightBitMime RFC 6152
 * @param smtpUtf8 RFC 6531
 * @param chunking RFC 3030 (noted, not used: we send with DATA)
 * @param enhancedStatusCodes RFC 2034
 * @param startTls RFC 3207 (used when the client has TLS configured)
 * @param keywords every EHLO keyword, upper case
 */
public record Capabilities(
    boolean esmtp,
    boolean pipelining,
    boolean size,
    long maxSize,
    boolean eightBitMime,
    boolean smtpUtf8,
    boolean chunking,
    boolean enhancedStatusCodes,
    boolean startTls,
    Set<String> keywords) {

  public Capabilities {
    keywords = Set.copyOf(keywords);
  }

  /** A HELO session: no extensions. */
  public static Capabilities none() {
    return new Capabilities(false, false, false, 0, false, false, false, false, false, Set.of());
  }

  /** Parses the text lines of a 250 EHLO reply; the first line is the server's name, not a keyword. */
  public static Capabilities parse(List<String> ehloLines) {
    Set<String> keywords = new HashSet<>();
    boolean size = false;
    long maxSize = 0;
    for (int i = 1; i < ehloLines.size(); i++) {
      String line = ehloLines.get(i).trim();
      if (line.isEmpty()) {
        continue;
      }
      int space = line.indexOf(' ');
      String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
      keywords.add(keyword);
      if (keyword.equals("SIZE")) {
        size = true;
        if (space > 0) {
          try {
            maxSize = Math.max(0, Long.parseLong(line.substring(space + 1).trim()));
          } catch (NumberFormatException e) {
            maxSize = 0; // RFC 1870: a malformed limit is no limit we can rely on
          }
        }
      }
    }
    return new Capabilities(true, keywords.contains("PIPELINING"), size, maxSize, keywords.contains("8BITMIME"),
        keywords.contains("SMTPUTF8"), keywords.contains("CHUNKING"), keywords.contains("ENHANCEDSTATUSCODES"),
        keywords.contains("STARTTLS"), keywords);
  }
}

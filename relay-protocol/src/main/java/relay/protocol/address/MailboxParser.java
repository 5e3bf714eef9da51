package relay.protocol.address;

/**
 * Parses the path argument of MAIL FROM / RCPT TO (RFC 5321 4.1.2) with the RFC 6531 extension
 * (UTF-8 local parts and U-labels, only when the transaction carries SMTPUTF8).
 *
 * <ul>
 *   <li>Angle brackets are required; a missing or unbalanced bracket is invalid.
 *   <li>{@code <>} is the null reverse-path, allowed for MAIL only; {@code <postmaster>} (no
 *       domain, any case) is allowed for RCPT only (RFC 5321 4.5.1).
 *   <li>Local part: a dot-string (atoms separated by single dots, none leading or trailing) or a
 *       quoted-string, at most 64 octets (4.5.3.1.1). {@code %} and {@code !} are ordinary
 *       atext characters, never routing.
 *   <li>Domain: dot-separated LDH labels of at most 63 octets (no leading or trailing hyphen),
 *       at most 255 octets in all (4.5.3.1.2), or an address literal {@code [1.2.3.4]} /
 *       {@code [IPv6:...]} (4.1.3).
 *   <li>A source route {@code @a,@b:user@d} is checked and then dropped (4.1.1.3, Appendix C).
 *   <li>The whole path is at most 256 octets (4.5.3.1.3).
 * </ul>
 *
 * <p>Never throws: any string, however hostile, gives a {@link ParsedPath}.
 */
public final class MailboxParser {

  static final int MAX_PATH_OCTETS = 256;
  static final int MAX_LOCAL_PART_OCTETS = 64;
  static final int MAX_DOMAIN_OCTETS = 255;
  static final int MAX_LABEL_OCTETS = 63;

  private static final ParsedPath NULL_PATH = new ParsedPath.NullPath();
  private static final ParsedPath POSTMASTER = new ParsedPath.Postmaster();

  private MailboxParser() {}

  /** MAIL FROM argument: a mailbox or {@code <>}. */
  public static ParsedPath parseReversePath(String path, boolean utf8) {
    return parse(path, utf8, true);
  }

  /** RCPT TO argument: a mailbox or {@code <postmaster>}. */
  public static ParsedPath parseForwardPath(String path, boolean utf8) {
    return parse(path, utf8, false);
  }

  /**
   * Whether {@code domain} is a valid RFC 5321 Domain (LDH labels, or U-labels when
   * {@code utf8}); address literals are not accepted here.
   */
  public static boolean isValidDomain(String domain, boolean utf8) {
    return domain != null && domainProblem(domain, utf8) == null;
  }

  /** Whether {@code literal} is a valid address literal such as {@code [192.0.2.1]}. */
  public static boolean isValidAddressLiteral(String literal) {
    return literal != null && addressLiteralProblem(literal) == null;
  }

  private static ParsedPath parse(String path, boolean utf8, boolean reverse) {
    if (path == null || path.isEmpty()) {
      return invalid("empty path");
    }
    if (utf8Length(path) > MAX_PATH_OCTETS) {
      return invalid("path longer than " + MAX_PATH_OCTETS + " octets");
    }
    if (path.charAt(0) != '<' || path.length() < 2 || path.charAt(path.length() - 1) != '>') {
      return invalid("path must be enclosed in angle brackets");
    }
    String inner = path.substring(1, path.length() - 1);
    if (inner.isEmpty()) {
      return reverse ? NULL_PATH : invalid("null path not allowed for RCPT");
    }
    if (inner.equalsIgnoreCase("postmaster")) {
      return reverse ? invalid("postmaster without domain not allowed for MAIL") : POSTMASTER;
    }
    String mailbox = inner;
    if (inner.charAt(0) == '@') {
      int colon = inner.indexOf(':');
      if (colon < 0) {
        return invalid("source route without ':'");
      }
      String routeProblem = sourceRouteProblem(inner.substring(0, colon), utf8);
      if (routeProblem != null) {
        return invalid(routeProblem);
      }
      mailbox = inner.substring(colon + 1);
    }
    return parseMailbox(mailbox, utf8);
  }

  private static ParsedPath parseMailbox(String mailbox, boolean utf8) {
    int at;
    if (!mailbox.isEmpty() && mailbox.charAt(0) == '"') {
      int close = closingQuote(mailbox);
      if (close < 0) {
        return invalid("unterminated quoted local part");
      }
      at = close + 1;
      if (at >= mailbox.length() || mailbox.charAt(at) != '@') {
        return invalid("quoted local part not followed by '@'");
      }
    } else {
      at = mailbox.indexOf('@');
      if (at < 0) {
        return invalid("no '@domain'");
      }
    }
    String local = mailbox.substring(0, at);
    String domain = mailbox.substring(at + 1);
    String problem = localPartProblem(local, utf8);
    if (problem == null) {
      problem = domain.startsWith("[") ? addressLiteralProblem(domain) : domainProblem(domain, utf8);
    }
    return problem == null ? new ParsedPath.Ok(new Mailbox(local, domain)) : invalid(problem);
  }

  /** Index of the DQUOTE closing the quoted-string that starts at 0, or -1. */
  private static int closingQuote(String s) {
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i;
      }
    }
    return -1;
  }

  private static String sourceRouteProblem(String route, boolean utf8) {
    for (String hop : route.split(",", -1)) {
      if (hop.length() < 2 || hop.charAt(0) != '@') {
        return "malformed source route";
      }
      String domain = hop.substring(1);
      String problem =
          domain.startsWith("[") ? addressLiteralProblem(domain) : domainProblem(domain, utf8);
      if (problem != null) {
        return "source route: " + problem;
      }
    }
    return null;
  }

  // ---- local part ----------------------------------------------------------------------------

  private static String localPartProblem(String local, boolean utf8) {
    if (local.isEmpty()) {
      return "empty local part";
    }
    if (utf8Length(local) > MAX_LOCAL_PART_OCTETS) {
      return "local part longer than " + MAX_LOCAL_PART_OCTETS + " octets";
    }
    return local.charAt(0) == '"' ? quotedStringProblem(local, utf8) : dotStringProblem(local, utf8);
  }

  private static String dotStringProblem(String local, boolean utf8) {
    if (local.charAt(0) == '.' || local.charAt(local.length() - 1) == '.') {
      return "local part starts or ends with a dot";
    }
    char previous = 0;
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      if (c == '.') {
        if (previous == '.') {
          return "two dots in a row in local part";
        }
      } else if (c >= 0x80) {
        String problem = nonAsciiProblem(local, i, utf8);
        if (problem != null) {
          return problem;
        }
      } else if (!isAtext(c)) {
        return "character not allowed in local part";
      }
      previous = c;
    }
    return null;
  }

  private static String quotedStringProblem(String local, boolean utf8) {
    // local starts with DQUOTE and (by construction in parseMailbox) ends with the closing one.
    if (local.length() < 2 || local.charAt(local.length() - 1) != '"') {
      return "malformed quoted local part";
    }
    for (int i = 1; i < local.length() - 1; i++) {
      char c = local.charAt(i);
      if (c == '\\') {
        i++;
        char quoted = i < local.length() - 1 ? local.charAt(i) : 0;
        if (quoted < 0x20 || quoted > 0x7e) {
          return "bad quoted-pair in local part";
        }
      } else if (c >= 0x80) {
        String problem = nonAsciiProblem(local, i, utf8);
        if (problem != null) {
          return problem;
        }
      } else if (c < 0x20 || c == '"' || c == 0x7f) {
        return "character not allowed in quoted local part";
      }
    }
    return null;
  }

  /** atext of RFC 5322 3.2.3 (RFC 5321 4.1.2 Atom). */
  private static boolean isAtext(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
  }

  // ---- domain --------------------------------------------------------------------------------

  private static String domainProblem(String domain, boolean utf8) {
    if (domain.isEmpty()) {
      return "empty domain";
    }
    if (utf8Length(domain) > MAX_DOMAIN_OCTETS) {
      return "domain longer than " + MAX_DOMAIN_OCTETS + " octets";
    }
    int labelStart = 0;
    for (int i = 0; i <= domain.length(); i++) {
      if (i == domain.length() || domain.charAt(i) == '.') {
        String problem = labelProblem(domain, labelStart, i, utf8);
        if (problem != null) {
          return problem;
        }
        labelStart = i + 1;
      }
    }
    return null;
  }

  private static String labelProblem(String domain, int from, int to, boolean utf8) {
    if (from == to) {
      return "empty label in domain";
    }
    if (domain.charAt(from) == '-' || domain.charAt(to - 1) == '-') {
      return "domain label starts or ends with a hyphen";
    }
    int octets = 0;
    for (int i = from; i < to; i++) {
      char c = domain.charAt(i);
      if (c >= 0x80) {
        String problem = nonAsciiProblem(domain, i, utf8);
        if (problem != null) {
          return problem;
        }
        octets += utf8Length(c);
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-') {
        octets++;
      } else {
        return "character not allowed in domain";
      }
    }
    return octets > MAX_LABEL_OCTETS ? "domain label longer than " + MAX_LABEL_OCTETS + " octets"
        : null;
  }

  private static String addressLiteralProblem(String literal) {
    if (literal.length() < 3 || literal.charAt(0) != '['
        || literal.charAt(literal.length() - 1) != ']') {
      return "malformed address literal";
    }
    String body = literal.substring(1, literal.length() - 1);
    if (body.regionMatches(true, 0, "IPv6:", 0, 5)) {
      return isIpv6(body.substring(5)) ? null : "bad IPv6 address literal";
    }
    if (body.indexOf(':') >= 0) {
      return "unsupported address literal tag";
    }
    return isIpv4(body) ? null : "bad IPv4 address literal";
  }

  /** Snum "." Snum "." Snum "." Snum with Snum = 1*3DIGIT in 0..255 (RFC 5321 4.1.3). */
  static boolean isIpv4(String s) {
    int parts = 0;
    int start = 0;
    for (int i = 0; i <= s.length(); i++) {
      if (i == s.length() || s.charAt(i) == '.') {
        int len = i - start;
        if (len < 1 || len > 3) {
          return false;
        }
        int value = 0;
        for (int j = start; j < i; j++) {
          char c = s.charAt(j);
          if (c < '0' || c > '9') {
            return false;
          }
          value = value * 10 + (c - '0');
        }
        if (value > 255) {
          return false;
        }
        parts++;
        start = i + 1;
      }
    }
    return parts == 4;
  }

  /** IPv6-full / IPv6-comp / IPv6v4-full / IPv6v4-comp of RFC 5321 4.1.3. */
  static boolean isIpv6(String s) {
    int lastColon = s.lastIndexOf(':');
    boolean v4 = lastColon >= 0 && s.indexOf('.', lastColon) >= 0;
    String hexPart = s;
    if (v4) {
      if (!isIpv4(s.substring(lastColon + 1))) {
        return false;
      }
      // keep the ':' (or "::") in front of the IPv4 tail so the hex part keeps its shape
      hexPart = s.substring(0, lastColon + 1);
      if (!hexPart.endsWith("::")) {
        hexPart = hexPart.substring(0, hexPart.length() - 1);
      }
    }
    int maxGroups = v4 ? 6 : 8;
    int compressed = hexPart.indexOf("::");
    if (compressed < 0) {
      return countHexGroups(hexPart) == maxGroups;
    }
    if (hexPart.indexOf("::", compressed + 1) >= 0) {
      return false;
    }
    String left = hexPart.substring(0, compressed);
    String right = hexPart.substring(compressed + 2);
    int leftGroups = left.isEmpty() ? 0 : countHexGroups(left);
    int rightGroups = right.isEmpty() ? 0 : countHexGroups(right);
    if (leftGroups < 0 || rightGroups < 0) {
      return false;
    }
    // "::" stands for at least two groups (RFC 5321 4.1.3, IPv6-comp).
    return leftGroups + rightGroups <= maxGroups - 2;
  }

  /** Number of 1*4HEXDIG groups separated by single colons, or -1 if malformed. */
  private static int countHexGroups(String s) {
    int groups = 0;
    int start = 0;
    for (int i = 0; i <= s.length(); i++) {
      if (i == s.length() || s.charAt(i) == ':') {
        int len = i - start;
        if (len < 1 || len > 4) {
          return -1;
        }
        for (int j = start; j < i; j++) {
          char c = s.charAt(j);
          boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
          if (!hex) {
            return -1;
          }
        }
        groups++;
        start = i + 1;
      }
    }
    return groups;
  }

  // ---- UTF-8 ---------------------------------------------------------------------------------

  /** Non-ASCII is allowed only with SMTPUTF8, and only as well-formed UTF-16 (no lone surrogate). */
  private static String nonAsciiProblem(String s, int i, boolean utf8) {
    if (!utf8) {
      return "non-ASCII character without SMTPUTF8";
    }
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)) ? null
          : "malformed UTF-16";
    }
    if (Character.isLowSurrogate(c)) {
      return i > 0 && Character.isHighSurrogate(s.charAt(i - 1)) ? null : "malformed UTF-16";
    }
    if (c >= 0x80 && c <= 0x9f) {
      return "control character in address";
    }
    return null;
  }

  /** Octets of the UTF-8 encoding (a surrogate pair counts 4, i.e. 2 per char). */
  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      n += utf8Length(s.charAt(i));
    }
    return n;
  }

  private static int utf8Length(char c) {
    if (c < 0x80) {
      return 1;
    }
    if (c < 0x800) {
      return 2;
    }
    return Character.isSurrogate(c) ? 2 : 3;
  }

  private static ParsedPath invalid(String reason) {
    return new ParsedPath.Invalid(reason);
  }

}

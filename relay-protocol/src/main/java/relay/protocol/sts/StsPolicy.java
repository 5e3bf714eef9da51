package relay.protocol.sts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An MTA-STS policy (RFC 8461 3.2) as fetched from {@code
 * https://mta-sts.<domain>/.well-known/mta-sts.txt}: its mode, the MX host patterns mail may go
 * to, and how long it may be cached.
 *
 * @param mode enforce, testing or none
 * @param mx the patterns: "mail.example.com" or "*.example.com" (one leftmost label), lower case
 * @param maxAge how long the policy may be cached (at most 31557600 s, one year)
 */
public record StsPolicy(Mode mode, List<String> mx, Duration maxAge) {

  /** RFC 8461 5: what a sender does with a host that fails the policy. */
  public enum Mode {
    /** Deliver only to matching MX hosts over TLS with a valid certificate; otherwise defer. */
    ENFORCE,
    /** Deliver as without the policy, report (here: log) what would have failed. */
    TESTING,
    /** No policy (a domain withdrawing its policy). */
    NONE
  }

  /** RFC 8461 3.2: max_age is at most 31557600 seconds. */
  public static final long MAX_AGE_SECONDS = 31_557_600L;

  public StsPolicy {
    Objects.requireNonNull(mode, "mode");
    mx = List.copyOf(mx);
    Objects.requireNonNull(maxAge, "maxAge");
  }

  /** Thrown for a policy text that is not a valid STSv1 policy; the message says why, in fixed words. */
  public static final class InvalidPolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidPolicyException(String why) {
      super(why);
    }
  }

  /**
   * Parses the policy body: "key: value" lines separated by CRLF (a bare LF is accepted, as
   * deployed servers send it), keys version, mode, mx (repeated), max_age; other keys ignored (RFC
   * 8461 3.2: extensions). A duplicate key other than mx keeps its first value.
   */
  public static StsPolicy parse(String body) throws InvalidPolicyException {
    String version = null;
    String mode = null;
    String maxAge = null;
    List<String> mx = new ArrayList<>();
    for (String raw : body.split("\n")) {
      String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new InvalidPolicyException("a line without a key");
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "version" -> version = version == null ? value : version;
        case "mode" -> mode = mode == null ? value : mode;
        case "max_age" -> maxAge = maxAge == null ? value : maxAge;
        case "mx" -> mx.add(pattern(value));
        default -> { } // extension fields
      }
    }
    if (!"STSv1".equals(version)) {
      throw new InvalidPolicyException("version is not STSv1");
    }
    Mode m;
    if ("enforce".equals(mode)) {
      m = Mode.ENFORCE;
    } else if ("testing".equals(mode)) {
      m = Mode.TESTING;
    } else if ("none".equals(mode)) {
      m = Mode.NONE;
    } else {
      throw new InvalidPolicyException("mode is not enforce, testing or none");
    }
    if (maxAge == null || !maxAge.matches("[0-9]{1,10}")) {
      throw new InvalidPolicyException("max_age is missing or not a number");
    }
    long seconds = Math.min(Long.parseLong(maxAge), MAX_AGE_SECONDS);
    if (mx.isEmpty() && m != Mode.NONE) {
      throw new InvalidPolicyException("no mx");
    }
    return new StsPolicy(m, mx, Duration.ofSeconds(seconds));
  }

  private static String pattern(String value) throws InvalidPolicyException {
    String p = value.toLowerCase(Locale.ROOT);
    if (p.endsWith(".")) {
      p = p.substring(0, p.length() - 1);
    }
    String rest = p.startsWith("*.") ? p.substring(2) : p;
    if (rest.isEmpty() || !rest.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
      throw new InvalidPolicyException("an mx pattern is not a host name");
    }
    return p;
  }

  /**
   * Whether an MX host name matches one of the patterns (RFC 8461 4.1): equal ignoring case and a
   * trailing dot, or "*.example.com" for a name with exactly one more label in front.
   */
  public boolean allows(String mxHost) {
    String host = mxHost.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    for (String p : mx) {
      if (p.startsWith("*.")) {
        int dot = host.indexOf('.');
        if (dot > 0 && host.substring(dot + 1).equals(p.substring(2))) {
          return true;
        }
      } else if (p.equals(host)) {
        return true;
      }
    }
    return false;
  }
}

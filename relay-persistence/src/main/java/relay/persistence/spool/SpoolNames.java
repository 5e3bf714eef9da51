package relay.persistence.spool;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Validation of the names a spool uses as file names and keys. Checked before any I/O so that a
 * hostile or broken value can never address a path outside the spool.
 *
 * <ul>
 *   <li>Queue id: 1 to 64 characters from {@code [A-Za-z0-9._-]}, not starting with a dot.
 *   <li>Domain: 1 to 255 characters (RFC 5321 §4.5.3.1.2), no {@code / \ NUL @}, no control
 *       characters, not starting with a dot or {@code ~} (the file spool's mark of a hashed long
 *       name, see {@link LinkNames}); lower-cased (domains are case-insensitive, RFC 5321 §2.4).
 *       U-labels (RFC 6531) are allowed.
 * </ul>
 */
public final class SpoolNames {

  public static final int MAX_QUEUE_ID = 64;
  public static final int MAX_DOMAIN = 255;

  private SpoolNames() {}

  public static String queueId(String queueId) {
    if (queueId == null || queueId.isEmpty() || queueId.length() > MAX_QUEUE_ID
        || queueId.charAt(0) == '.') {
      throw new IllegalArgumentException("invalid queue id: " + queueId);
    }
    for (int i = 0; i < queueId.length(); i++) {
      char c = queueId.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!ok) {
        throw new IllegalArgumentException("invalid queue id: " + queueId);
      }
    }
    return queueId;
  }

  public static String domain(String domain) {
    if (domain == null || domain.isEmpty() || domain.length() > MAX_DOMAIN
        || domain.charAt(0) == '.' || domain.charAt(0) == LinkNames.HASHED) {
      throw new IllegalArgumentException("invalid domain: " + domain);
    }
    for (int i = 0; i < domain.length(); i++) {
      char c = domain.charAt(i);
      if (c == '/' || c == '\\' || c == '@' || c <= 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("invalid domain: " + domain);
      }
    }
    return domain.toLowerCase(Locale.ROOT);
  }

  /** Validated, lower-cased, de-duplicated domains in the given order; at least one. */
  public static Set<String> domains(Collection<String> domains) {
    if (domains == null || domains.isEmpty()) {
      throw new IllegalArgumentException("commit needs at least one destination domain");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String d : domains) {
      out.add(domain(d));
    }
    return out;
  }
}

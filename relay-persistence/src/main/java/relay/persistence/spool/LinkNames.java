package relay.persistence.spool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The file names of {@link FileSpool}'s entries: {@code <queueId>@<domain>} as always, or, when
 * that would be longer than a file name may be ({@value #MAX_NAME_OCTETS} octets in UTF-8, the
 * NAME_MAX of ext4, XFS, btrfs and tmpfs), {@code <queueId>@~<sha-256 of the domain, hex>}.
 *
 * <p>Why: a queue id has up to 64 characters and a domain up to 253 in A-labels (RFC 1035
 * 2.3.4), or more octets as U-labels, so {@code id@domain} can exceed the limit and the link
 * could not be made: every enqueue of such a message failed and the client got 451 forever.
 *
 * <p>The hashed form never meets a plain one: {@link SpoolNames#domain} refuses a domain that
 * starts with {@code '~'}, and a plain name is only used when it fits. A hashed name has a
 * sidecar file {@code <queueId>@~<hash>.domain} holding the domain (UTF-8), so a listing can name
 * the entry's domain; the sidecar is written before the link and removed after it.
 */
final class LinkNames {

  /** Longest file name in octets on the file systems a spool runs on (NAME_MAX). */
  static final int MAX_NAME_OCTETS = 255;

  /** Starts the domain part of a hashed name; never the first character of a domain. */
  static final char HASHED = '~';

  /** Ends the name of a hashed entry's sidecar, which holds the domain. */
  static final String SIDECAR_SUFFIX = ".domain";

  /** What a name in a spool bucket stands for. */
  sealed interface Parsed {}

  /** A link whose name carries its domain. */
  record Plain(String queueId, String domain) implements Parsed {}

  /** A link of a long domain; its domain is in {@link #sidecar()}. */
  record Hashed(String queueId, String sidecar) implements Parsed {}

  /** Anything else: a sidecar, a temporary file, a stranger's file. */
  record Other() implements Parsed {}

  private LinkNames() {}

  /** The link name of a validated queue id and domain. */
  static String link(String queueId, String domainKey) {
    String plain = queueId + "@" + domainKey;
    if (plain.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_OCTETS) {
      return plain;
    }
    return queueId + "@" + HASHED + sha256Hex(domainKey);
  }

  /** Whether the link name of the domain is the hashed form (it has a sidecar). */
  static boolean isHashed(String linkName) {
    int at = linkName.indexOf('@');
    return at >= 0 && at + 1 < linkName.length() && linkName.charAt(at + 1) == HASHED;
  }

  /** The sidecar's name of a hashed link name. */
  static String sidecar(String hashedLinkName) {
    return hashedLinkName + SIDECAR_SUFFIX;
  }

  /** Reads a name found in a bucket; never throws. */
  static Parsed parse(String name) {
    int at = name.indexOf('@');
    if (at <= 0 || at + 1 >= name.length() || name.endsWith(".tmp")) {
      return new Other();
    }
    String queueId = name.substring(0, at);
    String rest = name.substring(at + 1);
    try {
      SpoolNames.queueId(queueId);
      if (rest.charAt(0) == HASHED) {
        if (rest.endsWith(SIDECAR_SUFFIX) || rest.length() != 65) {
          return new Other();
        }
        return new Hashed(queueId, sidecar(name));
      }
      String domain = SpoolNames.domain(rest);
      return domain.equals(rest) ? new Plain(queueId, domain) : new Other();
    } catch (IllegalArgumentException e) {
      return new Other();
    }
  }

  /** The domain a sidecar holds, when it is a valid domain whose hashed name is {@code link}. */
  static Optional<String> domainOf(String hashedLinkName, byte[] sidecarContent) {
    try {
      String domain = SpoolNames.domain(new String(sidecarContent, StandardCharsets.UTF_8));
      String queueId = hashedLinkName.substring(0, hashedLinkName.indexOf('@'));
      return link(queueId, domain).equals(hashedLinkName) ? Optional.of(domain) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String sha256Hex(String s) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}

package relay.http.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Bearer tokens: 256 random bits from {@link SecureRandom}, base64url without padding (43
 * characters), stored as their SHA-256. A token has the full entropy of its 32 random bytes, so
 * a fast hash is enough (no password stretching needed).
 */
public final class Tokens {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A token's SHA-256 and whom it names. */
  record Hashed(byte[] hash, Principal principal) {}

  /**
   * The principal of the entry whose hash is {@code presented}'s: every entry compared with
   * {@link MessageDigest#isEqual} (constant time for equal lengths, and the loop does not stop at
   * a match, so the time does not tell which entry nearly matched).
   */
  static Optional<Principal> find(String presented, List<Hashed> entries) {
    if (presented == null || presented.isEmpty()) {
      return Optional.empty();
    }
    byte[] hash = sha256(presented);
    Principal found = null;
    for (Hashed e : entries) {
      if (MessageDigest.isEqual(e.hash(), hash) && found == null) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  public static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

package relay.node.smtp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import relay.persistence.registry.Credential;

/**
 * Logins this node verified lately, so that an application that logs in for every message (most
 * do: one connection, one message) pays the Argon2id verification once per {@code ttl} instead
 * of once per message (Dovecot's auth cache does the same; a Postfix with sasldb keeps the
 * passwords in clear and pays nothing).
 *
 * <p>What is kept is a fingerprint, HMAC-SHA256 under a random key made when the node starts
 * and never stored, of the credential (its id and stored hash) and the password that verified
 * against it, with when it stops counting. Not the password, nor anything from which it could
 * be tested without that key. Only verifications that succeeded are remembered: a wrong
 * password, an unknown username and every guess of a brute force still pay the whole Argon2id
 * cost, and the lockout counts them as before. A credential removed or replaced (a new id or
 * hash) no longer matches its fingerprint, so a removal takes effect at the next login; an
 * expired credential is refused by the caller's check whatever is remembered here.
 *
 * <p>Bounded: at most {@code maxEntries} fingerprints; when full, the expired ones are dropped
 * and, if none had expired, the new one is not remembered (it is verified in full next time).
 * Safe for concurrent use.
 */
public final class RecentLogins {

  private static final String HMAC = "HmacSHA256";

  private final Duration ttl;
  private final int maxEntries;
  private final Clock clock;
  private final SecretKeySpec key;
  private final ConcurrentHashMap<String, Instant> until = new ConcurrentHashMap<>();

  /** Nothing is remembered when {@code ttl} is zero. */
  public RecentLogins(Duration ttl, int maxEntries, Clock clock) {
    if (ttl.isNegative() || maxEntries < 0) {
      throw new IllegalArgumentException("ttl and maxEntries must not be negative");
    }
    this.ttl = ttl;
    this.maxEntries = maxEntries;
    this.clock = clock;
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    this.key = new SecretKeySpec(secret, HMAC);
  }

  /** Remembers nothing: every login is verified in full. */
  public static RecentLogins none() {
    return new RecentLogins(Duration.ZERO, 0, Clock.systemUTC());
  }

  /** Whether {@code password} verified against {@code credential} within the last ttl. */
  public boolean verified(Credential credential, String password) {
    if (ttl.isZero()) {
      return false;
    }
    String print = fingerprint(credential, password);
    Instant end = until.get(print);
    if (end == null) {
      return false;
    }
    if (!clock.instant().isBefore(end)) {
      until.remove(print, end);
      return false;
    }
    return true;
  }

  /** {@code password} has just verified against {@code credential}. */
  public void remember(Credential credential, String password) {
    if (ttl.isZero() || maxEntries == 0) {
      return;
    }
    Instant now = clock.instant();
    if (until.size() >= maxEntries) {
      until.values().removeIf(end -> !now.isBefore(end));
      if (until.size() >= maxEntries) {
        return;
      }
    }
    until.put(fingerprint(credential, password), now.plus(ttl));
  }

  /** Fingerprints held (expired ones included until they are looked at or swept). */
  public int size() {
    return until.size();
  }

  private String fingerprint(Credential credential, String password) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      for (String part : new String[] {credential.id(), credential.hash(),
          password == null ? "" : password}) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        mac.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) ':');
        mac.update(bytes);
      }
      return Base64.getEncoder().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}

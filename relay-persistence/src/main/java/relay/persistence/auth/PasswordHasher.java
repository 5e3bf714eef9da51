package relay.persistence.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Passwords of SMTP AUTH credentials: generated here, hashed with Argon2id (RFC 9106, Bouncy
 * Castle's {@link Argon2BytesGenerator}) into a PHC string ({@link PhcHash}), verified against
 * one. A password is never kept, logged or put in an exception message.
 *
 * <p>Hashing and verifying are deliberately slow (tens of milliseconds, most of it filling
 * {@code memoryKib} of memory) and block the calling thread: call them on an executor of their
 * own, never on a dispatcher that carries sessions or HTTP requests.
 *
 * <p>Verification reads m, t, p, the salt and the output length from the stored string, so a
 * hash made under other settings still verifies; the comparison is constant-time ({@link
 * MessageDigest#isEqual}).
 */
public final class PasswordHasher {

  /** Length of a generated password: 32 characters of 64 = 192 bits. */
  public static final int PASSWORD_LENGTH = 32;
  /** Bytes of salt and of output of new hashes (RFC 9106 recommends 16 and 32). */
  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;

  /** The URL-safe alphabet (RFC 4648 5): no character needs quoting in a shell, URL or JSON. */
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

  private final Argon2Settings settings;
  private final SecureRandom random = new SecureRandom();
  /** A hash of nothing anyone knows, verified for an unknown user so it costs the same time. */
  private final String dummy;

  public PasswordHasher(Argon2Settings settings) {
    this.settings = settings;
    byte[] unknown = new byte[PASSWORD_LENGTH];
    random.nextBytes(unknown);
    this.dummy = hash(new String(unknown, StandardCharsets.ISO_8859_1));
  }

  public Argon2Settings settings() {
    return settings;
  }

  /** A new password: {@value #PASSWORD_LENGTH} characters of the URL-safe alphabet. */
  public String generate() {
    char[] password = new char[PASSWORD_LENGTH];
    for (int i = 0; i < password.length; i++) {
      password[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(password);
  }

  /** The PHC string of {@code password} with a new random salt and this hasher's settings. */
  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    PhcHash phc = new PhcHash(settings.memoryKib(), settings.iterations(),
        settings.parallelism(), salt, new byte[HASH_BYTES]);
    return new PhcHash(phc.memoryKib(), phc.iterations(), phc.parallelism(), salt,
        derive(password, phc, HASH_BYTES)).encode();
  }

  /**
   * Whether {@code password} is the one {@code phc} was made from; false, never an exception,
   * for a string that does not parse (a tampered or foreign hash).
   */
  public boolean verify(String password, String phc) {
    PhcHash stored;
    try {
      stored = PhcHash.parse(phc);
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] expected = stored.hash();
    return MessageDigest.isEqual(derive(password, stored, expected.length), expected);
  }

  /**
   * As much work as verifying a real password, with the answer always false: for a username no
   * credential has, so that a probe cannot tell unknown users from wrong passwords by time.
   */
  public boolean verifyUnknown(String password) {
    verify(password, dummy);
    return false;
  }

  private static byte[] derive(String password, PhcHash p, int length) {
    Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(p.memoryKib())
        .withIterations(p.iterations())
        .withParallelism(p.parallelism())
        .withSalt(p.salt())
        .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] secret = (password == null ? "" : password).getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[length];
    try {
      generator.generateBytes(secret, out);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    return out;
  }
}

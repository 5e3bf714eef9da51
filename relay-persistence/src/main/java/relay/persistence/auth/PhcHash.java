package relay.persistence.auth;

import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Argon2id hash in the PHC string format, as the Argon2 reference implementation writes it:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, salt and hash in standard base64 without
 * padding (PHC string format, "B64"). Only Argon2id version 19 (0x13) is read; the parameters are
 * bounded so that a tampered string cannot make a verification take gigabytes or minutes.
 *
 * @param memoryKib m, memory in KiB
 * @param iterations t
 * @param parallelism p
 * @param salt the salt, 8 to 64 bytes
 * @param hash the Argon2id output, 16 to 64 bytes
 */
public record PhcHash(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {

  /** Largest m accepted (1 GiB): a bound against a tampered string. */
  public static final int MAX_MEMORY_KIB = 1 << 20;
  public static final int MAX_ITERATIONS = 64;
  public static final int MAX_PARALLELISM = 16;

  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=([0-9]{1,8}),t=([0-9]{1,3}),p=([0-9]{1,3})"
          + "\\$([A-Za-z0-9+/]{11,86})\\$([A-Za-z0-9+/]{22,86})");
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

  public PhcHash {
    check(memoryKib >= 8 * parallelism && memoryKib <= MAX_MEMORY_KIB, "m out of bounds");
    check(iterations >= 1 && iterations <= MAX_ITERATIONS, "t out of bounds");
    check(parallelism >= 1 && parallelism <= MAX_PARALLELISM, "p out of bounds");
    check(salt != null && salt.length >= 8 && salt.length <= 64, "salt of 8 to 64 bytes");
    check(hash != null && hash.length >= 16 && hash.length <= 64, "hash of 16 to 64 bytes");
    salt = salt.clone();
    hash = hash.clone();
  }

  /**
   * The hash of {@code phc}; IllegalArgumentException (message without the string, which is
   * kept out of logs and error bodies) when it is not an Argon2id v19 PHC string within the
   * bounds.
   */
  public static PhcHash parse(String phc) {
    Matcher m = phc == null ? null : PHC.matcher(phc);
    check(m != null && m.matches(), "not an Argon2id (v=19) PHC string");
    try {
      return new PhcHash(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)), Base64.getDecoder().decode(m.group(4)),
          Base64.getDecoder().decode(m.group(5)));
    } catch (IllegalArgumentException e) { // bad base64 length
      throw new IllegalArgumentException("hash: " + e.getMessage().replaceFirst("^hash: ", ""));
    }
  }

  /** Whether {@code phc} parses. */
  public static boolean valid(String phc) {
    try {
      parse(phc);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The PHC string. */
  public String encode() {
    return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
        + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PhcHash h && h.encode().equals(encode());
  }

  @Override
  public int hashCode() {
    return encode().hashCode();
  }

  @Override
  public String toString() {
    return "PhcHash(m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + ")";
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException("hash: " + what);
    }
  }
}

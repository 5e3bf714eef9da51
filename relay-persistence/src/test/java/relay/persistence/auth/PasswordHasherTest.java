package relay.persistence.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Argon2id through Bouncy Castle: the PHC string, verification with the parameters read from the
 * string, wrong and tampered input refused, and the cost of one verification with the shipped
 * parameters on this machine (printed, not asserted).
 */
class PasswordHasherTest {

  /** Cheap parameters for the tests that do not measure. */
  static final PasswordHasher CHEAP = new PasswordHasher(new Argon2Settings(64, 1, 1));

  @Test
  void matchesTheReferenceImplementation() {
    // RFC 9106 5.3 uses secret and associated data, which PHC strings have none of; this vector
    // is the reference implementation's (Debian package argon2, checked on this machine):
    // echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1 -l 32
    PhcHash reference = PhcHash.parse("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ"
        + "$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc");
    assertEquals(65536, reference.memoryKib());
    assertEquals("somesalt", new String(reference.salt()));
    assertTrue(CHEAP.verify("password", reference.encode()));
    assertFalse(CHEAP.verify("Password", reference.encode()));
  }

  @Test
  void hashIsAPhcStringOfTheSettingsAndVerifies() {
    PasswordHasher hasher = new PasswordHasher(new Argon2Settings(256, 3, 2));
    String hash = hasher.hash("s3cret-Passw0rd");
    assertTrue(hash.matches("\\$argon2id\\$v=19\\$m=256,t=3,p=2\\$[A-Za-z0-9+/]{22}"
        + "\\$[A-Za-z0-9+/]{43}"), hash);
    assertTrue(hasher.verify("s3cret-Passw0rd", hash));
    assertFalse(hasher.verify("s3cret-Passw0rd ", hash));
    assertFalse(hasher.verify("", hash));
    assertFalse(hasher.verify(null, hash));
    assertNotEquals(hash, hasher.hash("s3cret-Passw0rd"), "a new salt each time");
    assertEquals(hash, PhcHash.parse(hash).encode());
    assertFalse(hash.contains("s3cret"));
  }

  @Test
  void verificationReadsTheParametersFromTheString() {
    String old = new PasswordHasher(new Argon2Settings(128, 2, 1)).hash("pw");
    PasswordHasher now = new PasswordHasher(new Argon2Settings(512, 1, 2));
    assertTrue(now.verify("pw", old), "config changed, old hash still verifies");
    assertTrue(now.hash("pw").contains("m=512,t=1,p=2"));
  }

  @Test
  void tamperedOrForeignStringsNeverVerifyAndNeverThrow() {
    String hash = CHEAP.hash("pw");
    PhcHash p = PhcHash.parse(hash);
    byte[] flipped = p.hash();
    flipped[0] ^= 1;
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    String[] bad = {
        new PhcHash(p.memoryKib(), p.iterations(), p.parallelism(), p.salt(), flipped).encode(),
        hash.replace("t=1", "t=2"),
        hash.replace("m=64", "m=72"),
        hash.replace("$argon2id$", "$argon2i$"),
        hash.replace("v=19", "v=16"),
        hash.replace("m=64", "m=99999999"), // beyond 1 GiB: refused before any work
        hash.replace("p=1", "p=0"),
        hash.substring(0, hash.length() - 2),
        hash + "$",
        "$argon2id$v=19$m=64,t=1,p=1$" + b64.encodeToString(new byte[4]) + "$"
            + b64.encodeToString(p.hash()), // salt too short
        "$2y$10$abcdefghijklmnopqrstuuH8ZoSdeIe8r1l9WYG7vUuxAhQZ5FqZi", // bcrypt
        "", "plain-password"};
    for (String s : bad) {
      assertFalse(CHEAP.verify("pw", s), s);
    }
    assertTrue(CHEAP.verify("pw", hash));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PhcHash.parse("secret-looking-string"));
    assertEquals("hash: not an Argon2id (v=19) PHC string", e.getMessage());
    assertEquals("hash: m out of bounds", assertThrows(IllegalArgumentException.class,
        () -> PhcHash.parse(hash.replace("m=64", "m=99999999"))).getMessage());
  }

  @Test
  void generatedPasswordsAreLongUrlSafeAndDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String pw = CHEAP.generate();
      assertTrue(pw.matches("[A-Za-z0-9_-]{32}"), pw);
      assertTrue(seen.add(pw));
    }
  }

  @Test
  void settingsFromReferenceConfAreOwaspsAndBounded() {
    assertEquals(Argon2Settings.OWASP, Argon2Settings.fromConfig(
        ConfigFactory.load().getConfig("relay.auth.argon2")));
    assertEquals("relay.auth.argon2.memory-kib = 4 is outside 8 .. 1048576",
        assertThrows(IllegalArgumentException.class, () -> new Argon2Settings(4, 1, 1))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Argon2Settings(64, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Argon2Settings(64, 1, 17));
  }

  /** The figure the brief asks for: one verification with the shipped parameters. */
  @Test
  void measuresOneVerificationWithTheShippedParameters() {
    PasswordHasher hasher = new PasswordHasher(Argon2Settings.OWASP);
    String password = hasher.generate();
    String hash = hasher.hash(password);
    for (int i = 0; i < 3; i++) { // warm-up
      hasher.verify(password, hash);
    }
    int rounds = 10;
    long known = 0;
    long unknown = 0;
    for (int i = 0; i < rounds; i++) { // interleaved, so that load on the machine hits both
      long start = System.nanoTime();
      assertTrue(hasher.verify(password, hash));
      long middle = System.nanoTime();
      assertFalse(hasher.verifyUnknown(password));
      known += middle - start;
      unknown += System.nanoTime() - middle;
    }
    double knownMs = known / 1e6 / rounds;
    double unknownMs = unknown / 1e6 / rounds;
    System.out.printf("Argon2id m=19456 t=2 p=1: %.1f ms per verification (right password),"
        + " %.1f ms for an unknown user (dummy), mean of %d on this machine%n", knownMs,
        unknownMs, rounds);
  }
}

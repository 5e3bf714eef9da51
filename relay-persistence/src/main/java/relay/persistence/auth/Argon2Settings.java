package relay.persistence.auth;

import com.typesafe.config.Config;
import relay.protocol.settings.Bounds;

/**
 * The Argon2id cost of new password hashes (keys under {@code relay.auth.argon2}), read once at
 * start and checked. Only new hashes use them: a hash keeps its own parameters in its PHC
 * string, so changing these never breaks a stored credential.
 *
 * @param memoryKib memory per hash in KiB (OWASP's minimum for Argon2id: 19456, 19 MiB)
 * @param iterations passes over the memory (OWASP: 2 with 19 MiB)
 * @param parallelism lanes (OWASP: 1)
 */
public record Argon2Settings(int memoryKib, int iterations, int parallelism) {

  /** OWASP's minimum for Argon2id (Password Storage Cheat Sheet): m=19456, t=2, p=1. */
  public static final Argon2Settings OWASP = new Argon2Settings(19_456, 2, 1);

  public Argon2Settings {
    Bounds.within("relay.auth.argon2.parallelism", parallelism, 1, PhcHash.MAX_PARALLELISM);
    Bounds.within("relay.auth.argon2.memory-kib", memoryKib, 8 * parallelism,
        PhcHash.MAX_MEMORY_KIB);
    Bounds.within("relay.auth.argon2.iterations", iterations, 1, PhcHash.MAX_ITERATIONS);
  }

  /** From the {@code relay.auth.argon2} section. */
  public static Argon2Settings fromConfig(Config section) {
    return new Argon2Settings(section.getInt("memory-kib"), section.getInt("iterations"),
        section.getInt("parallelism"));
  }
}

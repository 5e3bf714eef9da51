package relay.http.auth;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tokens held in memory as SHA-256 hashes. A lookup hashes the presented token and compares it
 * with every stored hash with {@link java.security.MessageDigest#isEqual} (constant time for equal lengths, and
 * every entry is compared, so the time does not tell which entry nearly matched).
 * The node keeps the bootstrap admin token here; tokens created over the API are in the registry
 * ({@link RegistryTokenStore}).
 */
public final class HashedTokenStore implements TokenStore {

  private final List<Tokens.Hashed> entries = new CopyOnWriteArrayList<>();

  /** Adds {@code token} (only its hash is kept) for {@code principal}. */
  public HashedTokenStore add(String token, Principal principal) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("token " + principal.name() + ": empty");
    }
    entries.add(new Tokens.Hashed(Tokens.sha256(token), principal));
    return this;
  }

  @Override
  public Optional<Principal> authenticate(String presentedToken) {
    return Tokens.find(presentedToken, entries);
  }
}

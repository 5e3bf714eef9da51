package relay.http.auth;

import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tokens held in memory as SHA-256 hashes. A lookup hashes the presented token and compares it
 * with every stored hash with {@link MessageDigest#isEqual} (constant time for equal lengths, and
 * every entry is compared, so the time does not tell which entry nearly matched).
 *
 * <p>XXX: tokens other than the bootstrap admin token live only as long as the process; an API
 * to create, list and revoke persisted tokens is still to come (issue 11).
 */
public final class HashedTokenStore implements TokenStore {

  private record Entry(byte[] hash, Principal principal) {}

  private final List<Entry> entries = new CopyOnWriteArrayList<>();

  /** Adds {@code token} (only its hash is kept) for {@code principal}. */
  public HashedTokenStore add(String token, Principal principal) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("token " + principal.name() + ": empty");
    }
    entries.add(new Entry(Tokens.sha256(token), principal));
    return this;
  }

  @Override
  public Optional<Principal> authenticate(String presentedToken) {
    if (presentedToken == null || presentedToken.isEmpty()) {
      return Optional.empty();
    }
    byte[] hash = Tokens.sha256(presentedToken);
    Principal found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.hash(), hash) && found == null) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }
}

package relay.http.auth;

import java.util.Optional;

/**
 * Where the API looks up a presented bearer token. Implementations keep only a hash of each
 * token, compare in constant time and never log a token.
 */
public interface TokenStore {

  /** Who {@code presentedToken} belongs to, or empty for an unknown token. */
  Optional<Principal> authenticate(String presentedToken);
}

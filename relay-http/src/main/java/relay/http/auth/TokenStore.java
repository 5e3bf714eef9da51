package relay.http.auth;

import java.util.List;
import java.util.Optional;

/**
 * Where the API looks up a presented bearer token. Implementations keep only a hash of each
 * token, compare in constant time and never log a token.
 */
public interface TokenStore {

  /** Who {@code presentedToken} belongs to, or empty for an unknown token. */
  Optional<Principal> authenticate(String presentedToken);

  /**
   * Asks every store (each compares with all of its entries, so the time does not tell which
   * store knew the token) and answers the first one's principal.
   */
  static TokenStore all(TokenStore... stores) {
    List<TokenStore> list = List.of(stores);
    return token -> {
      Optional<Principal> found = Optional.empty();
      for (TokenStore s : list) {
        Optional<Principal> p = s.authenticate(token);
        if (found.isEmpty()) {
          found = p;
        }
      }
      return found;
    };
  }
}

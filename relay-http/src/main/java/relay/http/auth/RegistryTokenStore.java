package relay.http.auth;

import java.util.List;
import java.util.Optional;
import relay.persistence.registry.ApiToken;
import relay.persistence.registry.RegistrySnapshot;
import relay.persistence.registry.RegistryView;
import relay.persistence.registry.TokenRole;

/**
 * The tokens created over the API ({@code POST /api/v1/tokens}), as this node's registry view
 * holds them: SHA-256 hashes replicated to every node, so a token works on every node within
 * about a second of its creation and stops within about a second of its revocation, with no
 * network round trip per request. Compares like {@link HashedTokenStore} (every entry, {@link
 * java.security.MessageDigest#isEqual}); the hashes are decoded once per snapshot.
 */
public final class RegistryTokenStore implements TokenStore {

  private record Decoded(RegistrySnapshot snapshot, List<Tokens.Hashed> entries) {}

  private final RegistryView view;
  private volatile Decoded decoded = new Decoded(null, List.of());

  public RegistryTokenStore(RegistryView view) {
    this.view = view;
  }

  @Override
  public Optional<Principal> authenticate(String presentedToken) {
    return Tokens.find(presentedToken, entries());
  }

  private List<Tokens.Hashed> entries() {
    RegistrySnapshot now = view.current();
    Decoded d = decoded;
    if (d.snapshot() != now) {
      d = new Decoded(now, now.tokens().stream()
          .map(t -> new Tokens.Hashed(t.hashBytes(), principal(t))).toList());
      decoded = d;
    }
    return d.entries();
  }

  /** Who a registry token is: its name (the audit's actor), role and client. */
  public static Principal principal(ApiToken t) {
    return new Principal(t.name(), role(t.role()), t.client());
  }

  public static Role role(TokenRole role) {
    return Role.valueOf(role.name());
  }
}

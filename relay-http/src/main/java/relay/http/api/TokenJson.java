package relay.http.api;

import java.time.Instant;
import java.util.Optional;
import relay.persistence.registry.ApiToken;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.TokenRole;

/**
 * A token as the API shows it: never its hash; {@code token}, the secret, only in the answer to
 * its creation (it is not kept anywhere and cannot be shown again).
 */
record TokenJson(String id, String name, TokenRole role, Optional<ClientId> client,
    String createdBy, Instant createdAt, Optional<String> token) {

  static TokenJson of(ApiToken t) {
    return new TokenJson(t.id(), t.name(), t.role(), t.client(), t.createdBy(), t.createdAt(),
        Optional.empty());
  }

  TokenJson withSecret(String secret) {
    return new TokenJson(id, name, role, client, createdBy, createdAt, Optional.of(secret));
  }
}

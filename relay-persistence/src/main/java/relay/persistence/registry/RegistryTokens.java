package relay.persistence.registry;

import java.time.Instant;
import relay.persistence.registry.RegistryEntity.CreateToken;
import relay.persistence.registry.RegistryEntity.RefusalKind;
import relay.persistence.registry.RegistryEntity.RevokeToken;
import relay.persistence.registry.RegistryEntity.State;
import relay.persistence.registry.RegistryEntity.TokenCreated;
import relay.persistence.registry.RegistryEntity.TokenDone;
import relay.persistence.registry.RegistryEntity.TokenRevoked;

/** The {@link RegistryEntity}'s decisions on API tokens, from its state alone. */
final class RegistryTokens {

  private RegistryTokens() {}

  static Decision create(State state, CreateToken cmd, RegistrySettings settings, String actor,
      Instant now) {
    if (cmd.name() != null && state.tokens().values().stream()
        .anyMatch(t -> t.name().equals(cmd.name().strip()))) {
      return Decision.refuse(RefusalKind.CONFLICT, "a token named '" + cmd.name().strip()
          + "' exists; revoke it first or choose another name");
    }
    if (state.tokens().size() >= settings.maxTokens()) {
      return Decision.refuse(RefusalKind.CONFLICT, "the registry holds its maximum of "
          + settings.maxTokens() + " tokens (relay.registry.max-tokens)");
    }
    if (cmd.client() != null && cmd.client().isPresent()
        && state.client(cmd.client().get()).isEmpty()) {
      return Decision.refuse(RefusalKind.INVALID, "client: no client "
          + cmd.client().get().value());
    }
    ApiToken token;
    try {
      token = new ApiToken("t" + (state.tokensAdded() + 1), cmd.name(), cmd.role(),
          cmd.client(), cmd.hash(), actor, now);
    } catch (IllegalArgumentException e) {
      return Decision.refuse(RefusalKind.INVALID, e.getMessage());
    }
    return Decision.persist(new TokenCreated(token), new TokenDone(token));
  }

  static Decision revoke(State state, RevokeToken cmd, String actor, Instant now) {
    ApiToken token = state.tokens().get(cmd.id());
    if (token == null) {
      return Decision.refuse(RefusalKind.NOT_FOUND, "no token " + cmd.id());
    }
    return Decision.persist(new TokenRevoked(cmd.id(), actor, now), new TokenDone(token));
  }
}

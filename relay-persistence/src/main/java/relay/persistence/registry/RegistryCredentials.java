package relay.persistence.registry;

import java.time.Instant;
import java.util.Optional;
import relay.persistence.registry.RegistryEntity.AddCredential;
import relay.persistence.registry.RegistryEntity.CredentialAdded;
import relay.persistence.registry.RegistryEntity.CredentialDone;
import relay.persistence.registry.RegistryEntity.CredentialRemoved;
import relay.persistence.registry.RegistryEntity.RefusalKind;
import relay.persistence.registry.RegistryEntity.RemoveCredential;
import relay.persistence.registry.RegistryEntity.State;

/**
 * The {@link RegistryEntity}'s decisions on SMTP AUTH credentials, from its state alone (no
 * I/O, time and actor given): checks in a fixed order (client, limit, username, values), a
 * refusal changes nothing.
 *
 * <p>A username left out is made from the client id: the id itself when no credential has it
 * (ignoring case), else the id + "-" + the new credential's id ("shop-c7").
 */
final class RegistryCredentials {

  private RegistryCredentials() {}

  static Decision add(State state, AddCredential cmd, RegistrySettings settings, String actor,
      Instant now) {
    if (cmd.client() == null || state.client(cmd.client()).isEmpty()) {
      return Decision.refuse(RefusalKind.NOT_FOUND, "no client " + cmd.client());
    }
    if (state.credentials().size() >= settings.maxCredentials()) {
      return Decision.refuse(RefusalKind.CONFLICT, "the registry holds its maximum of "
          + settings.maxCredentials() + " credentials (relay.registry.max-credentials)");
    }
    String id = "c" + (state.credentialsAdded() + 1);
    Optional<String> given = cmd.username() == null ? Optional.empty() : cmd.username();
    String username = given.orElseGet(() -> Credential.defaultUsername(cmd.client(), id,
        u -> taken(state, u).isPresent()));
    try {
      Credential.checkUsername(username);
    } catch (IllegalArgumentException e) {
      return Decision.refuse(RefusalKind.INVALID, e.getMessage());
    }
    Optional<Credential> owner = taken(state, username);
    if (owner.isPresent()) {
      return Decision.refuse(RefusalKind.CONFLICT, "username '" + username + "' is taken"
          + (given.isPresent() ? "" : ": give one in the body"));
    }
    if (cmd.expires() != null && cmd.expires().isPresent() && !cmd.expires().get().isAfter(now)) {
      return Decision.refuse(RefusalKind.INVALID, "expires: " + cmd.expires().get()
          + " is not in the future");
    }
    Credential credential;
    try {
      credential = new Credential(id, cmd.client(), username, cmd.hash(), cmd.note(),
          cmd.expires(), actor, now);
    } catch (IllegalArgumentException e) {
      return Decision.refuse(RefusalKind.INVALID, e.getMessage());
    }
    return Decision.persist(new CredentialAdded(credential), new CredentialDone(credential));
  }

  static Decision remove(State state, RemoveCredential cmd, String actor, Instant now) {
    Credential credential = state.credentials().get(cmd.id());
    if (credential == null || !credential.client().equals(cmd.client())) {
      return Decision.refuse(RefusalKind.NOT_FOUND, state.client(cmd.client()).isEmpty()
          ? "no client " + cmd.client() : "client " + cmd.client() + " has no credential "
              + cmd.id());
    }
    return Decision.persist(new CredentialRemoved(cmd.id(), actor, now),
        new CredentialDone(credential));
  }

  /** The credential whose username is {@code username} ignoring case, if any. */
  static Optional<Credential> taken(State state, String username) {
    String key = Credential.key(username);
    return state.credentials().values().stream().filter(c -> c.usernameKey().equals(key))
        .findFirst();
  }
}

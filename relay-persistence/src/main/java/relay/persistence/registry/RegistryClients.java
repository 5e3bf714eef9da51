package relay.persistence.registry;

import java.time.Instant;
import java.util.Optional;
import relay.persistence.registry.RegistryEntity.ClientCreated;
import relay.persistence.registry.RegistryEntity.ClientDone;
import relay.persistence.registry.RegistryEntity.ClientReplaced;
import relay.persistence.registry.RegistryEntity.RefusalKind;
import relay.persistence.registry.RegistryEntity.State;

/** The {@link RegistryEntity}'s decisions on creating and replacing API clients. */
final class RegistryClients {

  private RegistryClients() {}

  static Decision create(State state, ClientRecord asked, RegistrySettings settings,
      String actor, Instant now) {
    ClientRecord client = asked.withOrigin(ClientOrigin.API);
    if (state.client(client.id()).isPresent()) {
      return Decision.refuse(RefusalKind.CONFLICT, "client " + client.id() + " exists");
    }
    if (state.clients().size() >= settings.maxClients()) {
      return Decision.refuse(RefusalKind.CONFLICT, "the registry holds its maximum of "
          + settings.maxClients() + " clients (relay.registry.max-clients)");
    }
    Optional<String> conflict = state.addressConflict(client);
    if (conflict.isPresent()) {
      return Decision.refuse(RefusalKind.CONFLICT, conflict.get());
    }
    return Decision.persist(new ClientCreated(client, actor, now), new ClientDone(client));
  }

  /**
   * A replace of an API client. A client of the configuration file (origin CONFIG) is refused
   * (CONFLICT): the file is where it is changed, and each node's import at its start would undo
   * or fight a change made here; a block of kind client stops it at once all the same.
   */
  static Decision replace(State state, ClientRecord asked, String actor, Instant now) {
    ClientRecord client = asked.withOrigin(ClientOrigin.API);
    Optional<ClientRecord> existing = state.client(client.id());
    if (existing.isEmpty()) {
      return Decision.refuse(RefusalKind.NOT_FOUND, "no client " + client.id());
    }
    if (existing.get().origin() == ClientOrigin.CONFIG) {
      return Decision.refuse(RefusalKind.CONFLICT,
          RegistryEntity.configClientRefusal(client.id()));
    }
    Optional<String> conflict = state.addressConflict(client);
    if (conflict.isPresent()) {
      return Decision.refuse(RefusalKind.CONFLICT, conflict.get());
    }
    return Decision.persist(new ClientReplaced(client, actor, now), new ClientDone(client));
  }
}

package relay.persistence.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import relay.persistence.registry.RegistryEntity.ClientImported;
import relay.persistence.registry.RegistryEntity.Event;
import relay.persistence.registry.RegistryEntity.Imported;
import relay.persistence.registry.RegistryEntity.State;

/**
 * What an import of a node's configured clients ({@link RegistryEntity.ImportConfigClients})
 * changes: each client is added, or replaces a CONFIG client of that id that differs; one created
 * through the API, one with an address registered to another client, or one past max-clients is
 * skipped with the reason. Pure: the entity persists the events and replies.
 */
final class ConfigImport {

  /** The events to persist (none: nothing changes) and the reply. */
  record Plan(List<Event> events, Imported reply) {}

  private ConfigImport() {}

  static Plan plan(State state, List<ClientRecord> clients, RegistrySettings settings,
      Instant now) {
    List<Event> events = new ArrayList<>();
    List<String> imported = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    State working = state;
    for (ClientRecord given : clients) {
      ClientRecord client = given.withOrigin(ClientOrigin.CONFIG);
      String id = client.id().value();
      Optional<ClientRecord> existing = working.client(client.id());
      Optional<String> conflict = working.addressConflict(client);
      if (existing.isPresent() && existing.get().origin() == ClientOrigin.API) {
        skipped.add(id + ": created through the API, not overwritten");
      } else if (existing.isPresent() && existing.get().equals(client)) {
        unchanged.add(id);
      } else if (conflict.isPresent()) {
        skipped.add(id + ": " + conflict.get());
      } else if (existing.isEmpty() && working.clients().size() >= settings.maxClients()) {
        skipped.add(id + ": the registry holds its maximum of " + settings.maxClients()
            + " clients (relay.registry.max-clients)");
      } else {
        ClientImported event = new ClientImported(client, now);
        events.add(event);
        imported.add(id);
        working = working.apply(event, settings.auditEntries());
      }
    }
    return new Plan(events, new Imported(imported, unchanged, skipped));
  }
}

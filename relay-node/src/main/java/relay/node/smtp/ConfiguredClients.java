package relay.node.smtp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import relay.node.config.RegisteredClient;
import relay.persistence.registry.AddressRole;
import relay.persistence.registry.ClientAddress;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.ClientLimits;
import relay.persistence.registry.ClientOrigin;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.ClientState;
import relay.persistence.registry.RegistrySnapshot;
import relay.persistence.registry.RegistryView;

/**
 * The clients of the configuration file ({@code relay.clients}) as registry records: id = slug of
 * the name, every address {@code production}, max-sessions as the only limit, active, origin
 * CONFIG, {@code contact} as the contact. {@link #view} serves them as a fixed registry, for a
 * node that runs without the replicated one.
 */
public final class ConfiguredClients {

  private ConfiguredClients() {}

  /** The records; an address listed by two clients stops the start with a message naming both. */
  public static List<ClientRecord> records(List<RegisteredClient> clients, String contact) {
    Map<String, String> owner = new HashMap<>();
    List<ClientRecord> records = new ArrayList<>(clients.size());
    for (RegisteredClient client : clients) {
      List<ClientAddress> addresses = new ArrayList<>();
      for (String ip : client.ips()) {
        ClientAddress address = new ClientAddress(ip, AddressRole.PRODUCTION);
        String previous = owner.putIfAbsent(address.ip(), client.name());
        if (previous != null && !previous.equals(client.name())) {
          throw new IllegalArgumentException("relay.clients: address " + ip
              + " is registered to both \"" + previous + "\" and \"" + client.name() + "\"");
        }
        if (previous == null) {
          addresses.add(address);
        }
      }
      records.add(new ClientRecord(ClientId.slugOf(client.name()), client.name(),
          List.of(contact), addresses, List.of(), ClientLimits.maxSessions(client.maxSessions()),
          ClientState.ACTIVE, Optional.empty(), ClientOrigin.CONFIG));
    }
    return List.copyOf(records);
  }

  /** A registry holding only {@code records} and no blocks, never changing. */
  public static RegistryView view(List<ClientRecord> records) {
    RegistrySnapshot fixed = new RegistrySnapshot(records, List.of());
    return () -> fixed;
  }
}

package relay.node.smtp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import relay.node.config.RegisteredClient;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.IpAddresses;
import relay.persistence.registry.Registry;

/**
 * The clients of the configuration file ({@code relay.clients}) as the registry imports them
 * ({@link Registry#configured}: id = slug of the name, every address {@code production},
 * max-sessions as the only limit, active, origin CONFIG, {@code contact} as the contact).
 */
public final class ConfiguredClients {

  private ConfiguredClients() {}

  /** The records; an address listed by two clients stops the start with a message naming both. */
  public static List<ClientRecord> records(List<RegisteredClient> clients, String contact) {
    Map<String, String> owner = new HashMap<>();
    List<ClientRecord> records = new ArrayList<>(clients.size());
    for (RegisteredClient client : clients) {
      for (String ip : client.ips()) {
        String previous = owner.putIfAbsent(IpAddresses.canonical("relay.clients", ip),
            client.name());
        if (previous != null && !previous.equals(client.name())) {
          throw new IllegalArgumentException("relay.clients: address " + ip
              + " is registered to both \"" + previous + "\" and \"" + client.name() + "\"");
        }
      }
      records.add(Registry.configured(client.name(), client.ips(), client.maxSessions(),
          contact));
    }
    return List.copyOf(records);
  }
}

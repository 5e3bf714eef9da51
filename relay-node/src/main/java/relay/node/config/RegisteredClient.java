package relay.node.config;

import java.util.List;

/**
 * A client allowed to relay, identified by the single source addresses it connects from, and the
 * most SMTP sessions it may have open at once across the cluster.
 */
public record RegisteredClient(String name, List<String> ips, int maxSessions) {

  public RegisteredClient {
    ips = List.copyOf(ips);
    NodeSettings.maxSessions("relay.clients: client \"" + name + "\" max-sessions", maxSessions);
  }
}

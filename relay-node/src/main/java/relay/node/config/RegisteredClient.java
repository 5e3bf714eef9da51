package relay.node.config;

import java.util.List;

/** A client allowed to relay, identified by the single source addresses it connects from. */
public record RegisteredClient(String name, List<String> ips) {

  public RegisteredClient {
    ips = List.copyOf(ips);
  }
}

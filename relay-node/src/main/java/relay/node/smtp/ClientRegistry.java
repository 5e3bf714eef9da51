package relay.node.smtp;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import relay.node.config.RegisteredClient;
import relay.protocol.server.ClientIdentity;
import relay.protocol.server.ClientPolicy;

/**
 * Identifies a connection's client by its source address among the registered clients. An
 * unregistered address gets an identity without a client name, which may not relay.
 */
public final class ClientRegistry implements ClientPolicy {

  private final Map<String, String> clientByAddress;

  public ClientRegistry(List<RegisteredClient> clients) {
    Map<String, String> byAddress = new HashMap<>();
    for (RegisteredClient client : clients) {
      for (String ip : client.ips()) {
        String previous = byAddress.putIfAbsent(ip, client.name());
        if (previous != null && !previous.equals(client.name())) {
          throw new IllegalArgumentException("relay.clients: address " + ip + " is registered to both \""
              + previous + "\" and \"" + client.name() + "\"");
        }
      }
    }
    this.clientByAddress = Map.copyOf(byAddress);
  }

  @Override
  public CompletionStage<ClientIdentity> identify(InetSocketAddress remote, InetSocketAddress local) {
    String ip = remote.getAddress().getHostAddress();
    return CompletableFuture.completedFuture(new ClientIdentity(ip, Optional.ofNullable(clientByAddress.get(ip))));
  }
}

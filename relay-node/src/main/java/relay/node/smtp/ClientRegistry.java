package relay.node.smtp;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import relay.node.config.RegisteredClient;
import relay.persistence.client.ClientSessions;
import relay.protocol.server.Admission;
import relay.protocol.server.ClientIdentity;
import relay.protocol.server.ClientPolicy;

/**
 * Identifies a connection's client by its source address among the registered clients and takes
 * one of the client's cluster-wide session slots for it. An unregistered address gets an identity
 * without a client name, which may not relay, and counts toward no limit. When the client's
 * session count gives no verdict in time the stage fails and the session answers 421 4.3.0: a
 * registered client is never admitted blindly.
 */
public final class ClientRegistry implements ClientPolicy {

  private static final Logger LOG = LoggerFactory.getLogger(ClientRegistry.class);

  private final Map<String, RegisteredClient> clientByAddress;
  private final ClientSessions sessions;

  public ClientRegistry(List<RegisteredClient> clients, ClientSessions sessions) {
    Map<String, RegisteredClient> byAddress = new HashMap<>();
    for (RegisteredClient client : clients) {
      for (String ip : client.ips()) {
        RegisteredClient previous = byAddress.putIfAbsent(ip, client);
        if (previous != null && !previous.name().equals(client.name())) {
          throw new IllegalArgumentException("relay.clients: address " + ip + " is registered to both \""
              + previous.name() + "\" and \"" + client.name() + "\"");
        }
      }
    }
    this.clientByAddress = Map.copyOf(byAddress);
    this.sessions = sessions;
  }

  @Override
  public CompletionStage<Admission> identify(InetSocketAddress remote, InetSocketAddress local) {
    String ip = remote.getAddress().getHostAddress();
    RegisteredClient client = clientByAddress.get(ip);
    if (client == null) {
      return CompletableFuture.completedFuture(Admission.withoutSlot(ClientIdentity.anonymous(ip)));
    }
    ClientIdentity identity = ClientIdentity.registered(ip, client.name());
    return sessions.acquire(client.name(), client.maxSessions())
        .whenComplete((slot, error) -> {
          if (error != null) {
            LOG.warn("client {} from {}: session slot unavailable, answering 421 4.3.0: {}",
                client.name(), ip, error.toString());
          }
        })
        .thenApply(slot -> slot.<Admission>map(s -> new Admission.Admitted(identity, s))
            .orElseGet(() -> new Admission.Refused(identity,
                Admission.Refusal.TOO_MANY_SESSIONS)));
  }
}

package relay.http.auth;

import java.util.Objects;
import java.util.Optional;
import relay.persistence.registry.ClientId;

/**
 * Who a request comes from: the token's name (what the audit log records as the actor, never the
 * token itself), its role and, for the client role, the one client it is bound to.
 */
public record Principal(String name, Role role, Optional<ClientId> client) {

  public Principal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    client = client == null ? Optional.empty() : client;
    if ((role == Role.CLIENT) != client.isPresent()) {
      throw new IllegalArgumentException("token " + name
          + ": a client token is bound to exactly one client, other roles to none");
    }
  }

  public static Principal admin(String name) {
    return new Principal(name, Role.ADMIN, Optional.empty());
  }

  public static Principal viewer(String name) {
    return new Principal(name, Role.VIEWER, Optional.empty());
  }

  public static Principal client(String name, ClientId client) {
    return new Principal(name, Role.CLIENT, Optional.of(client));
  }

  /** May change the registry (clients, blocks). */
  public boolean canWrite() {
    return role == Role.ADMIN;
  }

  /** May read everything (lists, blocks, audit). */
  public boolean canReadAll() {
    return role == Role.ADMIN || role == Role.VIEWER;
  }

  /** May read this client's own resources. */
  public boolean canRead(ClientId id) {
    return canReadAll() || client.equals(Optional.of(id));
  }
}

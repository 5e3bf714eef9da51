package relay.http.api;

import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import relay.http.auth.Principal;
import relay.http.auth.Role;

/**
 * Who may call an {@link Endpoint}; checked by {@link EndpointRoutes} before the endpoint's
 * handler runs (403 otherwise), and written into the OpenAPI document.
 *
 * <ul>
 *   <li>{@link #admin()}: admin tokens only (every change);
 *   <li>{@link #read()}: admin and viewer tokens (reads of everything);
 *   <li>{@link #ownClient(String)}: admin, viewer, and a client token when the path parameter
 *       {@code param} is its own client's id ({@code /clients/{id}...});
 *   <li>{@link #adminOrOwnClient(String)}: admin, and a client token when the path parameter
 *       {@code param} is its own client's id (a client's own writes, e.g. its bulk notices);
 *   <li>{@link #clientScoped()}: admin, viewer and client tokens, and the HANDLER shows a client
 *       token only its own client's data (e.g. a message search filtered to its client).
 * </ul>
 *
 * @param roles the roles admitted at all
 * @param clientParam for a client token: the path parameter that must equal its client's id
 */
public record Access(Set<Role> roles, Optional<String> clientParam) {

  public Access {
    roles = Set.copyOf(roles);
    Objects.requireNonNull(clientParam, "clientParam");
  }

  public static Access admin() {
    return new Access(EnumSet.of(Role.ADMIN), Optional.empty());
  }

  public static Access read() {
    return new Access(EnumSet.of(Role.ADMIN, Role.VIEWER), Optional.empty());
  }

  public static Access ownClient(String param) {
    return new Access(EnumSet.allOf(Role.class), Optional.of(param));
  }

  public static Access adminOrOwnClient(String param) {
    return new Access(EnumSet.of(Role.ADMIN, Role.CLIENT), Optional.of(param));
  }

  public static Access clientScoped() {
    return new Access(EnumSet.allOf(Role.class), Optional.empty());
  }

  /** Whether {@code p} may make this call with these path parameter values. */
  public boolean allows(Principal p, Map<String, String> params) {
    if (!roles.contains(p.role())) {
      return false;
    }
    if (p.role() != Role.CLIENT || clientParam.isEmpty()) {
      return true;
    }
    return p.client().map(c -> c.value().equals(params.get(clientParam.get()))).orElse(false);
  }

  /** What a refused caller is told (403 detail). */
  public String denied() {
    if (!roles.contains(Role.VIEWER) && roles.contains(Role.CLIENT)) {
      return "only an admin token or the client's own token may do this";
    }
    if (!roles.contains(Role.VIEWER)) {
      return "only an admin token may do this";
    }
    if (!roles.contains(Role.CLIENT)) {
      return "only admin and viewer tokens may read this; a client token reads only its own"
          + " client's resources";
    }
    return "a client token reads only its own client's resources";
  }

  /** For the OpenAPI document: who may call. */
  public String describe() {
    if (!roles.contains(Role.VIEWER) && roles.contains(Role.CLIENT)) {
      return clientParam.map(param -> "admin tokens, and a client token when {" + param
          + "} is its own client.").orElse("admin and client tokens.");
    }
    if (!roles.contains(Role.VIEWER)) {
      return "admin tokens only.";
    }
    if (!roles.contains(Role.CLIENT)) {
      return "admin and viewer tokens.";
    }
    return clientParam.map(param -> "admin and viewer tokens, and a client token when {"
        + param + "} is its own client.")
        .orElse("admin, viewer and client tokens; a client token sees only its own client's"
            + " data.");
  }
}

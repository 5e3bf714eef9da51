package relay.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import relay.http.auth.Principal;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.ClientOrigin;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.RegistryService;

/**
 * {@code /api/v1/clients}: GET lists (admin, viewer), POST registers (admin; 201 with Location);
 * {@code /api/v1/clients/{id}}: GET (admin, viewer, the client's own token), PATCH as a JSON
 * merge patch (admin; a client of the configuration file, origin config, is refused with 409:
 * the file is where it changes), DELETE (admin; 204). Bodies are checked whole before the
 * registry is asked, so a refused request changes nothing.
 */
final class ClientRoutes extends AllDirectives implements ApiResource {

  static final String PATH = "/api/v1/clients/";

  private final RegistryService registry;

  ClientRoutes(RegistryService registry) {
    this.registry = registry;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.get("/api/v1/clients", Access.read(), "List the clients", c -> onSuccess(
            registry.clients(), r -> Results.of(r,
                list -> complete(StatusCodes.OK, list, ApiJson.marshaller())))),
        Endpoint.post("/api/v1/clients", Access.admin(), "Register a client",
                c -> entity(ApiJson.body(ClientBody.class), body -> create(body, c.principal())))
            .status(201).errors(409, 422)
            .body("the client: id, name, contacts, addresses [{ip, role}], senderDomains?,"
                + " limits?, state?, testWindow?"),
        Endpoint.get("/api/v1/clients/{id}", Access.ownClient("id"), "Read one client",
            c -> withId(c.param("id"), id -> onSuccess(registry.client(id), r -> Results.of(r,
                client -> complete(StatusCodes.OK, client, ApiJson.marshaller())))))
            .errors(404),
        Endpoint.patch("/api/v1/clients/{id}", Access.admin(),
                "Change a client (JSON merge patch, RFC 7396)",
                c -> withId(c.param("id"), id -> entity(ApiJson.body(JsonNode.class,
                    MediaTypes.APPLICATION_JSON, ApiJson.MERGE_PATCH),
                    patch -> update(id, patch, c.principal()))))
            .errors(404, 409, 422).body("the fields to change; null removes an optional field",
                "application/json", "application/merge-patch+json"),
        Endpoint.delete("/api/v1/clients/{id}", Access.admin(), "Delete a client",
            c -> withId(c.param("id"), id -> onSuccess(registry.deleteClient(id,
                c.principal().name()), r -> Results.of(r, x -> complete(StatusCodes.NO_CONTENT)))))
            .errors(404));
  }

  private Route create(ClientBody body, Principal p) {
    ClientRecord client = body.toRecord(ClientOrigin.API);
    return onSuccess(registry.createClient(client, p.name()), r -> Results.of(r,
        c -> respondWithHeader(Location.create(PATH + c.id()),
            () -> complete(StatusCodes.CREATED, c, ApiJson.marshaller()))));
  }

  private Route update(ClientId id, JsonNode patch, Principal p) {
    return onSuccess(registry.client(id), current -> Results.of(current, c -> {
      ClientRecord changed = ClientPatch.apply(c, patch);
      return onSuccess(registry.replaceClient(changed, p.name()), r -> Results.of(r,
          done -> complete(StatusCodes.OK, done, ApiJson.marshaller())));
    }));
  }

  /** A path segment that is no client id names no client: 404. */
  static Route withId(String text, Function<ClientId, Route> inner) {
    Optional<ClientId> id;
    try {
      id = Optional.of(new ClientId(text));
    } catch (IllegalArgumentException e) {
      id = Optional.empty();
    }
    return id.map(inner).orElseGet(() -> Problem.complete(StatusCodes.NOT_FOUND,
        "no client '" + (text.length() > 70 ? text.substring(0, 70) + "..." : text)
            + "': client ids are 1 to 63 lower-case letters, digits or '-'"));
  }
}

package relay.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import relay.http.auth.Principal;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.ClientOrigin;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.RegistryService;

/**
 * {@code /api/v1/clients}: GET lists (admin, viewer), POST registers (admin; 201 with Location);
 * {@code /api/v1/clients/{id}}: GET (admin, viewer, the client's own token), PATCH as a JSON
 * merge patch (admin), DELETE (admin; 204). Bodies are checked whole before the registry is
 * asked, so a refused request changes nothing.
 */
final class ClientRoutes extends AllDirectives {

  static final String PATH = "/api/v1/clients/";

  private final RegistryService registry;

  ClientRoutes(RegistryService registry) {
    this.registry = registry;
  }

  Route route(Principal p) {
    return pathPrefix("clients", () -> concat(
        pathEnd(() -> concat(
            get(() -> BearerAuth.allowed(p.canReadAll(), "a client token reads only its own"
                + " client: GET " + PATH + "{id}", () -> onSuccess(registry.clients(),
                r -> Results.of(r, list -> complete(StatusCodes.OK, list, ApiJson.marshaller()))))),
            post(() -> BearerAuth.allowed(p.canWrite(), "only an admin token registers clients",
                () -> entity(ApiJson.body(ClientBody.class), body -> create(body, p)))))),
        path(PathMatchers.segment(), idText -> pathEnd(() -> concat(
            get(() -> withId(idText, id -> BearerAuth.allowed(p.canRead(id),
                "a client token reads only its own client", () -> onSuccess(registry.client(id),
                    r -> Results.of(r, c -> complete(StatusCodes.OK, c, ApiJson.marshaller())))))),
            patch(() -> BearerAuth.allowed(p.canWrite(), "only an admin token changes clients",
                () -> withId(idText, id -> entity(ApiJson.body(JsonNode.class,
                    MediaTypes.APPLICATION_JSON, ApiJson.MERGE_PATCH), patch -> update(id, patch, p))))),
            delete(() -> BearerAuth.allowed(p.canWrite(), "only an admin token deletes clients",
                () -> withId(idText, id -> onSuccess(registry.deleteClient(id, p.name()),
                    r -> Results.of(r, c -> complete(StatusCodes.NO_CONTENT)))))))))));
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
  private static Route withId(String text, Function<ClientId, Route> inner) {
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

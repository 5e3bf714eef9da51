package relay.http.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import relay.http.auth.Principal;
import relay.http.auth.Tokens;
import relay.persistence.registry.ApiToken;
import relay.persistence.registry.RegistryService;

/**
 * {@code /api/v1/tokens}: POST creates a token (admin; {@code {"name","role","client"?}}; the
 * secret is generated here, answered once with 201 and kept only as its SHA-256 in the
 * registry), GET lists them without secrets (admin, viewer); {@code /api/v1/tokens/{id}}: GET
 * one (admin, viewer), DELETE revokes it (admin; 204), on every node within about a second.
 */
final class TokenRoutes extends AllDirectives implements ApiResource {

  static final String PATH = "/api/v1/tokens/";

  private final RegistryService registry;

  TokenRoutes(RegistryService registry) {
    this.registry = registry;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.post("/api/v1/tokens", Access.admin(),
                "Create a token; its secret is in this answer only",
                c -> entity(ApiJson.body(TokenBody.class), body -> create(body, c.principal())))
            .status(201).errors(409, 422)
            .body("{name, role: admin|viewer|client, client?: the client id of a client token}"),
        Endpoint.get("/api/v1/tokens", Access.read(), "List the tokens (no secrets)",
            c -> onSuccess(registry.tokens(), r -> Results.of(r, list -> complete(StatusCodes.OK,
                Map.of("tokens", list.stream().map(TokenJson::of).toList()),
                ApiJson.marshaller())))),
        Endpoint.get("/api/v1/tokens/{id}", Access.read(), "Read one token (no secret)",
            c -> onSuccess(registry.tokens(), r -> Results.of(r, list -> one(list,
                c.param("id"))))).errors(404),
        Endpoint.delete("/api/v1/tokens/{id}", Access.admin(), "Revoke a token",
            c -> onSuccess(registry.revokeToken(c.param("id"), c.principal().name()),
                r -> Results.of(r, t -> complete(StatusCodes.NO_CONTENT)))).errors(404));
  }

  private Route create(TokenBody body, Principal p) {
    String secret = Tokens.generate();
    String hash = ApiToken.hashText(Tokens.sha256(secret));
    return onSuccess(registry.createToken(body.name(), body.role(),
            Optional.ofNullable(body.client()), hash, p.name()),
        r -> Results.of(r, t -> respondWithHeader(Location.create(PATH + t.id()),
            () -> complete(StatusCodes.CREATED, TokenJson.of(t).withSecret(secret),
                ApiJson.marshaller()))));
  }

  private Route one(List<ApiToken> tokens, String id) {
    return tokens.stream().filter(t -> t.id().equals(id)).findFirst()
        .<Route>map(t -> complete(StatusCodes.OK, TokenJson.of(t), ApiJson.<TokenJson>marshaller()))
        .orElseGet(() -> Problem.complete(StatusCodes.NOT_FOUND, "no token '"
            + (id.length() > 70 ? id.substring(0, 70) + "..." : id) + "'"));
  }
}

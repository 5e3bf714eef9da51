package relay.http.api;

import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import relay.http.auth.Principal;
import relay.persistence.registry.Block;
import relay.persistence.registry.RegistryService;

/**
 * {@code /api/v1/blocks}: GET lists the blocks in force (admin, viewer), POST adds one (admin;
 * {@code {"kind","value","reason","until"?}}, 201 with Location); {@code /api/v1/blocks/{id}}:
 * GET one (admin, viewer), DELETE (admin; 204).
 */
final class BlockRoutes extends AllDirectives implements ApiResource {

  static final String PATH = "/api/v1/blocks/";

  private final RegistryService registry;

  BlockRoutes(RegistryService registry) {
    this.registry = registry;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.get("/api/v1/blocks", Access.read(), "List the blocks in force",
            c -> onSuccess(registry.blocks(), r -> Results.of(r,
                list -> complete(StatusCodes.OK, list, ApiJson.marshaller())))),
        Endpoint.post("/api/v1/blocks", Access.admin(), "Add a block",
                c -> entity(ApiJson.body(BlockBody.class), body -> add(body, c.principal())))
            .status(201).errors(422)
            .body("{kind: ip|client|sender|sender-domain|recipient-domain, value, reason,"
                + " until?}"),
        Endpoint.get("/api/v1/blocks/{id}", Access.read(), "Read one block in force",
            c -> onSuccess(registry.blocks(), r -> Results.of(r,
                list -> one(list, c.param("id"))))).errors(404),
        Endpoint.delete("/api/v1/blocks/{id}", Access.admin(), "Remove a block",
            c -> onSuccess(registry.removeBlock(c.param("id"), c.principal().name()),
                r -> Results.of(r, b -> complete(StatusCodes.NO_CONTENT)))).errors(404));
  }

  private Route add(BlockBody body, Principal p) {
    return onSuccess(registry.addBlock(body.kind(), body.value(), body.reason(),
            Optional.ofNullable(body.until()), p.name()),
        r -> Results.of(r, b -> respondWithHeader(Location.create(PATH + b.id()),
            () -> complete(StatusCodes.CREATED, b, ApiJson.marshaller()))));
  }

  private Route one(List<Block> blocks, String id) {
    return blocks.stream().filter(b -> b.id().equals(id)).findFirst()
        .<Route>map(b -> complete(StatusCodes.OK, b, ApiJson.<Block>marshaller()))
        .orElseGet(() -> Problem.complete(StatusCodes.NOT_FOUND, "no block '"
            + (id.length() > 70 ? id.substring(0, 70) + "..." : id) + "' in force"));
  }
}

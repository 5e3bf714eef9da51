package relay.http.api;

import java.util.Optional;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import relay.http.auth.Principal;
import relay.persistence.registry.Block;
import relay.persistence.registry.RegistryService;

/**
 * {@code /api/v1/blocks}: GET lists the blocks in force (admin, viewer), POST adds one (admin;
 * {@code {"kind","value","reason","until"?}}, 201 with Location); {@code /api/v1/blocks/{id}}:
 * GET one (admin, viewer), DELETE (admin; 204).
 */
final class BlockRoutes extends AllDirectives {

  static final String PATH = "/api/v1/blocks/";

  private final RegistryService registry;

  BlockRoutes(RegistryService registry) {
    this.registry = registry;
  }

  Route route(Principal p) {
    String readers = "only admin and viewer tokens read the block lists";
    return pathPrefix("blocks", () -> concat(
        pathEnd(() -> concat(
            get(() -> BearerAuth.allowed(p.canReadAll(), readers, () -> onSuccess(
                registry.blocks(), r -> Results.of(r,
                    list -> complete(StatusCodes.OK, list, ApiJson.marshaller()))))),
            post(() -> BearerAuth.allowed(p.canWrite(), "only an admin token adds blocks",
                () -> entity(ApiJson.body(BlockBody.class), body -> add(body, p)))))),
        path(PathMatchers.segment(), id -> pathEnd(() -> concat(
            get(() -> BearerAuth.allowed(p.canReadAll(), readers, () -> onSuccess(
                registry.blocks(), r -> Results.of(r, list -> one(list, id))))),
            delete(() -> BearerAuth.allowed(p.canWrite(), "only an admin token removes blocks",
                () -> onSuccess(registry.removeBlock(id, p.name()),
                    r -> Results.of(r, b -> complete(StatusCodes.NO_CONTENT))))))))));
  }

  private Route add(BlockBody body, Principal p) {
    return onSuccess(registry.addBlock(body.kind(), body.value(), body.reason(),
            Optional.ofNullable(body.until()), p.name()),
        r -> Results.of(r, b -> respondWithHeader(Location.create(PATH + b.id()),
            () -> complete(StatusCodes.CREATED, b, ApiJson.marshaller()))));
  }

  private Route one(java.util.List<Block> blocks, String id) {
    return blocks.stream().filter(b -> b.id().equals(id)).findFirst()
        .<Route>map(b -> complete(StatusCodes.OK, b, ApiJson.<Block>marshaller()))
        .orElseGet(() -> Problem.complete(StatusCodes.NOT_FOUND, "no block '"
            + (id.length() > 70 ? id.substring(0, 70) + "..." : id) + "' in force"));
  }
}

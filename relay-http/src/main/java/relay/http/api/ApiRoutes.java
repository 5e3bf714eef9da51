package relay.http.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import relay.http.auth.TokenStore;
import relay.persistence.registry.RegistryService;

/**
 * The operator API: {@code /api/v1} built from the {@link Endpoint}s its {@link ApiResource}s
 * declare, bearer-token authentication first (401 before anything else, so an unauthenticated
 * caller learns nothing about the routes), then each endpoint's access check (403) and handler;
 * and {@code GET /api/openapi.json}, the OpenAPI document of the same endpoints, served without
 * a token (it holds no data, and tools fetch it before they have one). Bodies over
 * relay.http.api.max-body-size get 413; every error below {@code /api} is a problem+json
 * ({@link ApiErrors}).
 *
 * <p>A resource whose backend the registry does not provide is added with
 * {@link #with(ApiResource...)}: {@code new ApiRoutes(registry, tokens, settings).with(new
 * QueueRoutes(queues))}.
 */
public final class ApiRoutes extends AllDirectives {

  private final BearerAuth auth;
  private final ApiSettings settings;
  private final List<ApiResource> resources;
  private final List<Endpoint> elsewhere;
  private final List<Endpoint> endpoints;
  private final List<Endpoint> served;
  private final ObjectNode document;

  public ApiRoutes(RegistryService registry, TokenStore tokens, ApiSettings settings) {
    this(new BearerAuth(tokens), settings, List.of(), List.of(
        new ClientRoutes(registry),
        new BlockRoutes(registry),
        new AuditRoutes(registry, settings.auditDefaultLimit()),
        new TokenRoutes(registry)));
  }

  private ApiRoutes(BearerAuth auth, ApiSettings settings, List<Endpoint> elsewhere,
      List<ApiResource> resources) {
    this.auth = auth;
    this.settings = settings;
    this.elsewhere = List.copyOf(elsewhere);
    this.resources = List.copyOf(resources);
    List<Endpoint> all = new ArrayList<>(
        this.resources.stream().flatMap(r -> r.endpoints().stream()).toList());
    all.addAll(this.elsewhere);
    this.endpoints = List.copyOf(all);
    this.served = this.resources.stream().flatMap(r -> r.endpoints().stream()).toList();
    this.document = OpenApiDocument.of(endpoints); // also refuses an endpoint declared twice
  }

  /** These routes and those of {@code more}. */
  public ApiRoutes with(ApiResource... more) {
    List<ApiResource> all = new ArrayList<>(resources);
    all.addAll(Arrays.asList(more));
    return new ApiRoutes(auth, settings, elsewhere, all);
  }

  /**
   * Documents operations that other routes serve beside the API (e.g. {@code GET /metrics}):
   * they are in {@link #endpoints()} and in the document, not in this class's routes.
   */
  public ApiRoutes documenting(Endpoint... servedElsewhere) {
    List<Endpoint> all = new ArrayList<>(elsewhere);
    for (Endpoint e : servedElsewhere) {
      if (e.underApi()) {
        throw new IllegalArgumentException(e.key() + " is under the API: declare it in a"
            + " resource");
      }
      all.add(e);
    }
    return new ApiRoutes(auth, settings, all, resources);
  }

  /** Every documented operation, in declaration order: those under /api/v1, then the others. */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** The OpenAPI document served at /api/openapi.json (a copy). */
  public ObjectNode openApi() {
    return document.deepCopy();
  }

  /** Matches only paths under /api, so it can sit beside other routes in a concat. */
  public Route route() {
    return pathPrefix("api", () -> ApiErrors.seal(withSizeLimit(settings.maxBodySize(),
        () -> concat(
            path("openapi.json", () -> get(() -> complete(StatusCodes.OK, document,
                ApiJson.marshaller()))),
            pathPrefix("v1", () -> auth.authenticated(p -> EndpointRoutes.route(p, served)))))));
  }
}

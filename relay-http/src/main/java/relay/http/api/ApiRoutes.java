package relay.http.api;

import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import relay.http.auth.TokenStore;
import relay.persistence.registry.RegistryService;

/**
 * The operator API under {@code /api/v1}: bearer-token authentication first (401 before
 * anything else, so an unauthenticated caller learns nothing about the routes), then the
 * clients, blocks and audit routes; bodies over relay.http.api.max-body-size get 413; every
 * error below {@code /api} is a problem+json ({@link ApiErrors}).
 */
public final class ApiRoutes extends AllDirectives {

  private final BearerAuth auth;
  private final ApiSettings settings;
  private final ClientRoutes clients;
  private final BlockRoutes blocks;
  private final AuditRoutes audit;

  public ApiRoutes(RegistryService registry, TokenStore tokens, ApiSettings settings) {
    this.auth = new BearerAuth(tokens);
    this.settings = settings;
    this.clients = new ClientRoutes(registry);
    this.blocks = new BlockRoutes(registry);
    this.audit = new AuditRoutes(registry, settings.auditDefaultLimit());
  }

  /** Matches only paths under /api, so it can sit beside other routes in a concat. */
  public Route route() {
    return pathPrefix("api", () -> ApiErrors.seal(withSizeLimit(settings.maxBodySize(),
        () -> pathPrefix("v1", () -> auth.authenticated(p -> concat(
            clients.route(p), blocks.route(p), audit.route(p)))))));
  }
}

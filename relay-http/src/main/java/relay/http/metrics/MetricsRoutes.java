package relay.http.metrics;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import relay.http.api.Access;
import relay.http.api.BearerAuth;
import relay.http.api.Endpoint;
import relay.http.auth.TokenStore;

/**
 * {@code GET /metrics}: this node's metrics in the Prometheus text format ({@link MetricsScrape}).
 * With relay.http.metrics.require-token (the default) a scrape needs a bearer token whose role
 * reads everything (admin or viewer; Prometheus sends it with {@code authorization: {type:
 * Bearer, credentials_file: ...}}): without one 401, with a client token 403, both as
 * problem+json like the API's. Without it the route is open to whoever reaches the HTTP port.
 */
public final class MetricsRoutes extends AllDirectives {

  private static final ContentType TEXT = ContentTypes.parse(MetricsScrape.CONTENT_TYPE);

  /**
   * GET /metrics as the OpenAPI document describes it ({@code ApiRoutes.documenting}); its
   * access is the check made here when a token is required.
   */
  public static final Endpoint ENDPOINT = Endpoint.get("/metrics", Access.read(),
      "This node's metrics in the Prometheus text format (per node: scrape every node and sum);"
          + " relay.http.metrics.require-token = false serves it without a token",
      call -> Directives.reject()).produces("text/plain; version=0.0.4");

  private final MetricsScrape scrape;
  private final BearerAuth auth;
  private final MetricsSettings settings;

  public MetricsRoutes(MetricsScrape scrape, TokenStore tokens, MetricsSettings settings) {
    this.scrape = scrape;
    this.auth = new BearerAuth(tokens);
    this.settings = settings;
  }

  public Route route() {
    return path("metrics", () -> get(() -> guarded(() -> onSuccess(scrape.text(),
        body -> complete(HttpResponse.create().withEntity(HttpEntities.create(TEXT, body)))))));
  }

  private Route guarded(Supplier<Route> inner) {
    if (!settings.requireToken()) {
      return inner.get();
    }
    return auth.authenticated(p -> BearerAuth.allowed(ENDPOINT.access().allows(p, Map.of()),
        ENDPOINT.access().denied(), inner));
  }
}

package relay.http.metrics;

import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import relay.http.api.BearerAuth;
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
    return auth.authenticated(p -> BearerAuth.allowed(p.canReadAll(),
        "metrics are read with an admin or viewer token", inner));
  }
}

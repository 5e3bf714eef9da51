package relay.http.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import relay.http.auth.Principal;

/**
 * The routes of declared {@link Endpoint}s, below {@code /api/v1} (already matched): for each,
 * its path template (literal segments, {@code {name}} one segment each, then the path's end),
 * its method, its {@link Access} (403 with the access's detail) and then its handler. Paths
 * shared by several methods answer 405 with Allow for the others (see {@link ApiErrors}).
 */
final class EndpointRoutes {

  private EndpointRoutes() {}

  static Route route(Principal p, List<Endpoint> endpoints) {
    Route[] routes = endpoints.stream().map(e -> one(p, e)).toArray(Route[]::new);
    if (routes.length == 0) {
      return Directives.reject();
    }
    return routes.length == 1 ? routes[0]
        : Directives.concat(routes[0], java.util.Arrays.copyOfRange(routes, 1, routes.length));
  }

  private static Route one(Principal p, Endpoint e) {
    return match(e.segments(), 0, new LinkedHashMap<>(), values -> Directives.method(e.method(),
        () -> BearerAuth.allowed(e.access().allows(p, values), e.access().denied(),
            () -> e.handler().apply(new Call(p, values)))));
  }

  private static Route match(List<String> segments, int i, Map<String, String> values,
      Function<Map<String, String>, Route> inner) {
    if (i == segments.size()) {
      return Directives.pathEnd(() -> inner.apply(values));
    }
    String s = segments.get(i);
    if (Endpoint.isParam(s)) {
      return Directives.pathPrefix(PathMatchers.segment(), v -> {
        Map<String, String> more = new LinkedHashMap<>(values);
        more.put(Endpoint.paramName(s), v);
        return match(segments, i + 1, more, inner);
      });
    }
    return Directives.pathPrefix(s, () -> match(segments, i + 1, values, inner));
  }
}

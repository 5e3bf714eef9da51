package relay.http.api;

import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.StringUnmarshallers;
import relay.persistence.registry.RegistryService;

/**
 * {@code GET /api/v1/audit?limit=N}: the newest changes made through the API (who, what, when),
 * newest first (admin, viewer); limit 1 .. 1000, default relay.http.api.audit-default-limit.
 */
final class AuditRoutes extends AllDirectives implements ApiResource {

  private final RegistryService registry;
  private final int defaultLimit;

  AuditRoutes(RegistryService registry, int defaultLimit) {
    this.registry = registry;
    this.defaultLimit = defaultLimit;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(Endpoint.get("/api/v1/audit", Access.read(),
            "The newest changes made through the API, newest first", c -> parameterOptional(
                StringUnmarshallers.INTEGER, "limit", limit -> audit(limit.orElse(defaultLimit))))
        .query("limit", "how many entries, 1 .. " + ApiSettings.AUDIT_MAX_LIMIT));
  }

  private Route audit(int n) {
    if (n < 1 || n > ApiSettings.AUDIT_MAX_LIMIT) {
      return Problem.complete(StatusCodes.BAD_REQUEST, "query parameter 'limit': " + n
          + " is outside 1 .. " + ApiSettings.AUDIT_MAX_LIMIT);
    }
    return onSuccess(registry.audit(n), r -> Results.of(r,
        list -> complete(StatusCodes.OK, list, ApiJson.marshaller())));
  }
}

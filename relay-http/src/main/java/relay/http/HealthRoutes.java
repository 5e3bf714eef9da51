package relay.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Health endpoints: {@code /alive} answers 200 while the process runs; {@code /ready} and
 * {@code /health} answer 200 when the node can take traffic and 503 otherwise, with the checks as
 * a JSON object.
 */
public final class HealthRoutes extends AllDirectives {

  private final Readiness readiness;
  private final ObjectMapper json = new ObjectMapper();

  public HealthRoutes(Readiness readiness) {
    this.readiness = readiness;
  }

  public Route routes() {
    return concat(
        path("alive", () -> get(() -> complete(StatusCodes.OK, Map.of("status", "alive"), Jackson.marshaller(json)))),
        path("ready", () -> get(this::ready)),
        path("health", () -> get(this::ready)));
  }

  private Route ready() {
    boolean ready = readiness.isReady();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ready ? "ready" : "not-ready");
    body.put("checks", readiness.checks());
    return complete(ready ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body, Jackson.marshaller(json));
  }
}

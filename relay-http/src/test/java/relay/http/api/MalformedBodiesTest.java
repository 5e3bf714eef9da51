package relay.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.http.api.ApiFixture.ADMIN;
import static relay.http.api.ApiFixture.client;
import static relay.http.api.ApiFixture.json;
import static relay.http.api.ApiFixture.problem;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.junit.jupiter.api.Test;

/**
 * 200 generated malformed request bodies ({@link MalformedBodies}, seed 11) each get a 4xx
 * problem+json and leave the registry as it was (same content, no change counted).
 */
class MalformedBodiesTest extends ApiRouteTest {

  @Test
  void twoHundredMalformedBodiesAreRefusedAndChangeNothing() {
    route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN,
        client("billing", "192.0.2.10", ""))).assertStatusCode(201);
    route.run(json(HttpMethods.POST, "/api/v1/blocks", ADMIN,
        "{\"kind\":\"ip\",\"value\":\"192.0.2.99\",\"reason\":\"abuse\"}")).assertStatusCode(201);
    String before = api.registry.state();
    long changes = api.registry.changes();
    String summary = refuseAll(route, new MalformedBodies(11).cases(200),
        () -> assertEquals(before, api.registry.state()));
    assertEquals(changes, api.registry.changes());
    System.out.println("MalformedBodiesTest: " + summary + "; registry unchanged");
  }

  /**
   * Sends every case; each must be a 4xx problem+json with a short detail, and {@code
   * unchanged} must hold after each. Returns the counts by kind and status.
   */
  static String refuseAll(TestRoute route, List<MalformedBodies.Case> cases, Runnable unchanged) {
    Map<String, Integer> byStatus = new TreeMap<>();
    Map<String, Integer> byKind = new TreeMap<>();
    for (MalformedBodies.Case c : cases) {
      var result = route.run(json(c.method(), c.path(), ADMIN, c.body(), c.type()));
      int status = result.statusCode();
      assertTrue(status >= 400 && status < 500, c + " -> " + status + " " + result.entityString());
      String detail = problem(result, status);
      assertTrue(!detail.isBlank() && detail.length() <= Problem.MAX_DETAIL + 3, detail);
      unchanged.run();
      byStatus.merge(String.valueOf(status), 1, Integer::sum);
      byKind.merge(c.kind(), 1, Integer::sum);
    }
    return cases.size() + " bodies by kind " + byKind + ", by status " + byStatus;
  }
}

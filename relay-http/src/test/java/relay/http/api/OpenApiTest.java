package relay.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.http.api.ApiFixture.ADMIN;
import static relay.http.api.ApiFixture.read;
import static relay.http.api.ApiFixture.req;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.Test;
import relay.http.auth.Role;

/**
 * GET /api/openapi.json against the live routes of the whole API (ApiFixture.api): the
 * document's operations are exactly the declared endpoints (both ways, with their roles,
 * parameters, body and statuses); every documented operation answers a valid call (not 404 "no
 * such resource", not 405); every method a documented path does NOT document is 405, so no
 * undocumented method hides on a documented path; and the routes under /api/v1 are built only
 * from the declared endpoints (ApiRoutes has no other way in), so no undocumented path exists.
 */
class OpenApiTest extends ApiRouteTest {

  private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

  private JsonNode document() {
    TestRouteResult r = route.run(req(HttpMethods.GET, "/api/openapi.json", null));
    r.assertStatusCode(200);
    assertEquals("application/json", r.contentType().mediaType().toString());
    return read(r);
  }

  private List<Endpoint> declared() {
    return ApiFixture.api(api.registry).endpoints();
  }

  @Test
  void documentMatchesTheDeclaredEndpointsBothWays() {
    JsonNode doc = document();
    assertEquals("3.0.3", doc.get("openapi").asText());
    assertEquals("bearer", doc.at("/components/securitySchemes/bearer/scheme").asText());
    Set<String> documented = new TreeSet<>();
    Set<String> operationIds = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue().fieldNames().forEachRemaining(m -> documented.add(
          m.toUpperCase(Locale.ROOT) + " " + path.getKey()));
      path.getValue().forEach(op -> assertTrue(operationIds.add(op.get("operationId").asText()),
          "operationId twice: " + op));
    }
    Set<String> served = new TreeSet<>();
    declared().forEach(e -> served.add(e.key()));
    assertEquals(served, documented, "documented vs declared");

    for (Endpoint e : declared()) {
      JsonNode op = doc.get("paths").get(e.path()).get(e.method().value().toLowerCase(Locale.ROOT));
      assertEquals(e.summary(), op.get("summary").asText());
      List<String> roles = new ArrayList<>();
      op.get("x-roles").forEach(r -> roles.add(r.asText()));
      assertEquals(e.access().roles().stream().map(r -> r.name().toLowerCase(Locale.ROOT))
          .sorted().toList(), roles.stream().sorted().toList(), e.key());
      List<String> pathParams = new ArrayList<>();
      List<String> queryParams = new ArrayList<>();
      op.path("parameters").forEach(p -> ("path".equals(p.get("in").asText()) ? pathParams
          : queryParams).add(p.get("name").asText()));
      assertEquals(e.params(), pathParams, e.key());
      assertEquals(e.query().stream().map(Endpoint.QueryParam::name).toList(), queryParams);
      assertEquals(e.body().isPresent(), op.has("requestBody"), e.key());
      JsonNode responses = op.get("responses");
      assertTrue(responses.has(Integer.toString(e.status())), e.key());
      assertTrue(responses.has("401"), e.key());
      responses.fields().forEachRemaining(r -> {
        if (r.getValue().has("$ref")) {
          assertFalse(doc.at(r.getValue().get("$ref").asText().substring(1)).isMissingNode(),
              e.key() + " " + r.getKey());
        }
      });
      if (!e.access().roles().contains(Role.CLIENT) || e.access().clientParam().isPresent()) {
        assertTrue(responses.has("403"), e.key());
      }
    }
    System.out.println("OpenApiTest: " + documented.size() + " operations documented = declared");
  }

  @Test
  void everyDocumentedOperationIsLive() {
    JsonNode doc = document();
    int probed = 0;
    int refusedMethods = 0;
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      String concrete = ApiProbe.path(path.getKey(), Map.of());
      for (String m : METHODS) {
        JsonNode op = path.getValue().get(m);
        TestRouteResult r = route.run(ApiProbe.request(ApiProbe.method(m), concrete,
            op != null && op.has("requestBody") || op == null, ADMIN));
        if (op != null) {
          probed++;
          assertTrue(r.statusCode() != 405, m + " " + concrete + ": " + r.entityString());
          assertFalse(r.statusCode() == 404
              && read(r).get("detail").asText().startsWith("no such resource"),
              m + " " + concrete + " is documented but not served: " + r.entityString());
        } else {
          refusedMethods++;
          assertEquals(405, r.statusCode(), m + " " + concrete + " is served but not"
              + " documented: " + r.entityString());
        }
      }
    }
    assertTrue(probed > 0);
    System.out.println("OpenApiTest: " + probed + " documented operations live, "
        + refusedMethods + " undocumented methods on documented paths 405");
  }

  @Test
  void servedWithoutATokenAndTheSameAsDeclared() {
    assertEquals(ApiFixture.api(api.registry).openApi(), document());
    // POST on it is 405, the API itself still wants a token
    route.run(req(HttpMethods.POST, "/api/openapi.json", null)).assertStatusCode(405);
    route.run(req(HttpMethods.GET, "/api/v1/clients", null)).assertStatusCode(401);
  }
}

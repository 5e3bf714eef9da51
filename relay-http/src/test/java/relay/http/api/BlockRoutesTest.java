package relay.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.http.api.ApiFixture.ADMIN;
import static relay.http.api.ApiFixture.BILLING;
import static relay.http.api.ApiFixture.VIEWER;
import static relay.http.api.ApiFixture.json;
import static relay.http.api.ApiFixture.problem;
import static relay.http.api.ApiFixture.read;
import static relay.http.api.ApiFixture.req;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.Test;

/** /api/v1/blocks and /api/v1/blocks/{id}, and GET /api/v1/audit. */
class BlockRoutesTest extends ApiRouteTest {

  private TestRouteResult add(String token, String body) {
    return route.run(json(HttpMethods.POST, "/api/v1/blocks", token, body));
  }

  @Test
  void adminAddsListsReadsAndRemoves() {
    String until = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)
        .toString();
    TestRouteResult created = add(ADMIN, "{\"kind\":\"ip\",\"value\":\"2001:DB8::1\","
        + "\"reason\":\"spam run\",\"until\":\"" + until + "\"}");
    created.assertStatusCode(201);
    JsonNode block = read(created);
    String id = block.get("id").asText();
    assertEquals("/api/v1/blocks/" + id, created.header(Location.class).getUri().toString());
    assertEquals("ip", block.get("kind").asText());
    assertEquals("2001:db8::1", block.get("value").asText());
    assertEquals(until, block.get("until").asText());
    assertEquals("ops-admin", block.get("createdBy").asText());
    JsonNode permanent = read(add(ADMIN, "{\"kind\":\"sender-domain\",\"value\":\"Spam.Example\","
        + "\"reason\":\"phishing\"}").assertStatusCode(201));
    assertFalse(permanent.has("until"));

    JsonNode list = read(route.run(req(HttpMethods.GET, "/api/v1/blocks", VIEWER))
        .assertStatusCode(200));
    assertEquals(2, list.size());
    assertEquals("spam.example", list.get(1).get("value").asText());
    route.run(req(HttpMethods.GET, "/api/v1/blocks/" + id, VIEWER)).assertStatusCode(200);
    route.run(req(HttpMethods.DELETE, "/api/v1/blocks/" + id, ADMIN)).assertStatusCode(204);
    problem(route.run(req(HttpMethods.DELETE, "/api/v1/blocks/" + id, ADMIN)), 404);
    problem(route.run(req(HttpMethods.GET, "/api/v1/blocks/" + id, ADMIN)), 404);

    JsonNode audit = read(route.run(req(HttpMethods.GET, "/api/v1/audit", VIEWER))
        .assertStatusCode(200));
    assertEquals(3, audit.size());
    assertEquals("block-removed", audit.get(0).get("action").asText(), "newest first");
    assertEquals("ops-admin", audit.get(0).get("actor").asText());
    assertEquals(id, audit.get(0).get("subject").asText());
    assertTrue(audit.get(0).get("at").asText().endsWith("Z"), audit.toString());
    assertEquals(1, read(route.run(req(HttpMethods.GET, "/api/v1/audit?limit=1", ADMIN))
        .assertStatusCode(200)).size());
  }

  @Test
  void refusedBlocksChangeNothing() {
    String past = Instant.now().minus(1, ChronoUnit.HOURS).toString();
    assertTrue(problem(add(ADMIN, "{\"kind\":\"ip\",\"value\":\"10.0.0.0/8\",\"reason\":\"x\"}"),
        422).contains("is a range"));
    assertTrue(problem(add(ADMIN, "{\"kind\":\"ip\",\"value\":\"192.0.2.1\",\"reason\":\"x\","
        + "\"until\":\"" + past + "\"}"), 422).startsWith("until"));
    assertTrue(problem(add(ADMIN, "{\"kind\":\"planet\",\"value\":\"mars\",\"reason\":\"x\"}"),
        422).contains("sender-domain"));
    assertTrue(problem(add(ADMIN, "{\"value\":\"192.0.2.1\",\"reason\":\"x\"}"), 422)
        .startsWith("kind: required"));
    problem(add(ADMIN, "{\"kind\":\"ip\",\"value\":\"192.0.2.1\"}"), 422);
    assertTrue(problem(add(ADMIN, "{\"kind\":\"ip\",\"value\":\"192.0.2.1\",\"reason\":\"x\","
        + "\"until\":\"tomorrow\"}"), 400).contains("'until'"));
    assertTrue(problem(add(ADMIN, "{\"kind\":\"ip\",\"value\":\"192.0.2.1\",\"reason\":\"x\","
        + "\"until\":1767225600}"), 400).contains("'until'"));
    problem(add(ADMIN, "{\"kind\":\"ip\",\"value\":\"192.0.2.1\",\"reason\":\"x\",\"by\":\"me\"}"),
        400);
    problem(add(ADMIN, "{\"kind\":\"ip\",\"value\":19202,\"reason\":\"x\"}"), 400);
    problem(add(ADMIN, "{\"kind\":[\"ip\"],\"value\":\"192.0.2.1\",\"reason\":\"x\"}"), 400);
    assertEquals(0, api.registry.changes());
    assertEquals("[] [] [] []", api.registry.state());
  }

  @Test
  void roles() {
    String body = "{\"kind\":\"ip\",\"value\":\"192.0.2.1\",\"reason\":\"x\"}";
    problem(add(VIEWER, body), 403);
    problem(add(BILLING, body), 403);
    problem(add(null, body), 401);
    String id = read(add(ADMIN, body).assertStatusCode(201)).get("id").asText();
    problem(route.run(req(HttpMethods.DELETE, "/api/v1/blocks/" + id, VIEWER)), 403);
    problem(route.run(req(HttpMethods.GET, "/api/v1/blocks", BILLING)), 403);
    problem(route.run(req(HttpMethods.GET, "/api/v1/blocks/" + id, BILLING)), 403);
    problem(route.run(req(HttpMethods.GET, "/api/v1/audit", BILLING)), 403);
    problem(route.run(req(HttpMethods.GET, "/api/v1/audit", null)), 401);
    problem(route.run(req(HttpMethods.POST, "/api/v1/audit", ADMIN)), 405);
    problem(route.run(json(HttpMethods.PATCH, "/api/v1/blocks/" + id, ADMIN, "{}")), 405);
    assertTrue(problem(route.run(req(HttpMethods.GET, "/api/v1/audit?limit=abc", ADMIN)), 400)
        .contains("'limit'"));
    problem(route.run(req(HttpMethods.GET, "/api/v1/audit?limit=0", ADMIN)), 400);
    problem(route.run(req(HttpMethods.GET, "/api/v1/audit?limit=1001", ADMIN)), 400);
    assertEquals(1, api.registry.changes());
  }
}

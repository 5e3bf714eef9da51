package relay.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.http.api.ApiFixture.ADMIN;
import static relay.http.api.ApiFixture.BILLING;
import static relay.http.api.ApiFixture.VIEWER;
import static relay.http.api.ApiFixture.client;
import static relay.http.api.ApiFixture.json;
import static relay.http.api.ApiFixture.problem;
import static relay.http.api.ApiFixture.read;
import static relay.http.api.ApiFixture.req;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.Test;

/** /api/v1/clients and /api/v1/clients/{id}: every method, role and registry outcome. */
class ClientRoutesTest extends ApiRouteTest {

  private TestRouteResult create(String body) {
    return route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN, body));
  }

  @Test
  void adminCreatesReadsPatchesAndDeletes() {
    TestRouteResult created = create(client("billing", "192.0.2.10",
        ",\"senderDomains\":[\"Billing.Example\"],\"limits\":{\"maxSessions\":5}"));
    created.assertStatusCode(201);
    assertEquals("/api/v1/clients/billing", created.header(Location.class).getUri().toString());
    JsonNode body = read(created);
    assertEquals("billing", body.get("id").asText());
    assertEquals("api", body.get("origin").asText());
    assertEquals("active", body.get("state").asText());
    assertEquals("billing.example", body.get("senderDomains").get(0).asText());
    assertEquals(5, body.get("limits").get("maxSessions").asInt());
    assertEquals("production", body.get("addresses").get(0).get("role").asText());
    assertFalse(body.has("testWindow"), body.toString());

    JsonNode list = read(route.run(req(HttpMethods.GET, "/api/v1/clients", VIEWER))
        .assertStatusCode(200));
    assertEquals(1, list.size());
    route.run(req(HttpMethods.GET, "/api/v1/clients/billing", VIEWER)).assertStatusCode(200);

    TestRouteResult patched = route.run(json(HttpMethods.PATCH, "/api/v1/clients/billing", ADMIN,
        "{\"name\":\"Billing\",\"state\":\"suspended\",\"limits\":{\"maxRecipientsPerMessage\":50},"
            + "\"testWindow\":{\"from\":\"2030-01-01T00:00:00Z\",\"until\":\"2030-01-02T00:00:00Z\"}}",
        ContentTypes.create(ApiJson.MERGE_PATCH)));
    patched.assertStatusCode(200);
    JsonNode p = read(patched);
    assertEquals("Billing", p.get("name").asText());
    assertEquals("suspended", p.get("state").asText());
    assertEquals(5, p.get("limits").get("maxSessions").asInt(), "merged, not replaced");
    assertEquals(50, p.get("limits").get("maxRecipientsPerMessage").asInt());
    assertEquals("2030-01-01T00:00:00Z", p.get("testWindow").get("from").asText());

    JsonNode cleared = read(route.run(json(HttpMethods.PATCH, "/api/v1/clients/billing", ADMIN,
        "{\"testWindow\":null,\"limits\":{\"maxSessions\":null}}")).assertStatusCode(200));
    assertFalse(cleared.has("testWindow"));
    assertFalse(cleared.get("limits").has("maxSessions"));

    route.run(req(HttpMethods.DELETE, "/api/v1/clients/billing", ADMIN))
        .assertStatusCode(204);
    problem(route.run(req(HttpMethods.DELETE, "/api/v1/clients/billing", ADMIN)), 404);
    problem(route.run(req(HttpMethods.GET, "/api/v1/clients/billing", ADMIN)), 404);
    assertEquals(4, api.registry.changes());
  }

  @Test
  void registryRefusalsAre409And422AndChangeNothing() {
    create(client("billing", "192.0.2.10", "")).assertStatusCode(201);
    String state = api.registry.state();
    assertTrue(problem(create(client("billing", "192.0.2.11", "")), 409).contains("exists"));
    assertTrue(problem(create(client("other", "192.0.2.10", "")), 409)
        .contains("192.0.2.10 is registered to client billing"));
    assertTrue(problem(create(client("other", "10.0.0.0/8", "")), 422).contains("is a range"));
    assertTrue(problem(create("{\"id\":\"other\",\"name\":\"x\",\"contacts\":[]}"), 422)
        .startsWith("contacts: at least one"));
    assertTrue(problem(create(client("Bad_Id", "192.0.2.12", "")), 422).contains("client id"));
    assertTrue(problem(create(client("other", "192.0.2.12", ",\"limits\":{\"maxSessions\":0}")),
        422).contains("limits.max-sessions"));
    assertTrue(problem(create(client("other", "192.0.2.12", ",\"state\":\"sleeping\"")), 422)
        .contains("state"));
    assertTrue(problem(route.run(json(HttpMethods.PATCH, "/api/v1/clients/billing", ADMIN,
        "{\"id\":\"renamed\"}")), 422).contains("cannot be changed"));
    problem(route.run(json(HttpMethods.PATCH, "/api/v1/clients/nobody", ADMIN, "{}")), 404);
    problem(route.run(json(HttpMethods.PATCH, "/api/v1/clients/NOT_AN_ID", ADMIN, "{}")), 404);
    assertEquals(state, api.registry.state());
    assertEquals(1, api.registry.changes());
  }

  @Test
  void malformedBodiesAre400() {
    create(client("billing", "192.0.2.10", "")).assertStatusCode(201);
    assertTrue(problem(create(client("other", "192.0.2.11", ",\"colour\":\"red\"")), 400)
        .contains("unknown field 'colour'"));
    assertTrue(problem(create(client("other", "192.0.2.11", ",\"limits\":{\"maxSessions\":\"5\"}")),
        400).contains("'limits.maxSessions'"));
    assertTrue(problem(create(client("other", "192.0.2.11", ",\"limits\":{\"maxSessions\":1.5}")),
        400).contains("limits.maxSessions"));
    assertTrue(problem(create("{\"id\":\"other\",\"name\":12,\"contacts\":[\"a@b.example\"]}"), 400)
        .contains("'name'"));
    assertTrue(problem(create("{\"id\":\"other\""), 400).contains("malformed JSON"));
    problem(create(client("other", "192.0.2.11", "") + " {}"), 400);
    problem(create(client("other", "192.0.2.11", ",\"origin\":\"config\"")), 400);
    problem(route.run(json(HttpMethods.PATCH, "/api/v1/clients/billing", ADMIN,
        "{\"origin\":\"config\"}")), 400);
    problem(route.run(json(HttpMethods.PATCH, "/api/v1/clients/billing", ADMIN, "[1]")), 400);
    problem(route.run(json(HttpMethods.PATCH, "/api/v1/clients/billing", ADMIN,
        "{\"limits\":{\"maxSessions\":\"many\"}}")), 400);
    problem(route.run(json(HttpMethods.PATCH, "/api/v1/clients/billing", ADMIN,
        "{\"nickname\":\"b\"}")), 400);
    assertTrue(problem(route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN,
        "id=other", ContentTypes.TEXT_PLAIN_UTF8)), 415).contains("application/json"));
    problem(route.run(req(HttpMethods.POST, "/api/v1/clients", ADMIN)), 400);
    String huge = "x".repeat(70 * 1024);
    problem(create(client("other", "192.0.2.11", ",\"pad\":\"" + huge + "\"")), 413);
    assertEquals(1, api.registry.changes());
  }

  @Test
  void rolesAndTokens() {
    create(client("billing", "192.0.2.10", "")).assertStatusCode(201);
    create(client("payroll", "192.0.2.20", "")).assertStatusCode(201);
    String newClient = client("third", "192.0.2.30", "");
    problem(route.run(json(HttpMethods.POST, "/api/v1/clients", VIEWER, newClient)), 403);
    problem(route.run(json(HttpMethods.PATCH, "/api/v1/clients/billing", VIEWER, "{}")), 403);
    problem(route.run(req(HttpMethods.DELETE, "/api/v1/clients/billing", VIEWER)), 403);
    // the client token reads its own client only
    route.run(req(HttpMethods.GET, "/api/v1/clients/billing", BILLING)).assertStatusCode(200);
    problem(route.run(req(HttpMethods.GET, "/api/v1/clients/payroll", BILLING)), 403);
    problem(route.run(req(HttpMethods.GET, "/api/v1/clients", BILLING)), 403);
    problem(route.run(json(HttpMethods.PATCH, "/api/v1/clients/billing", BILLING, "{}")), 403);
    problem(route.run(json(HttpMethods.POST, "/api/v1/clients", BILLING, newClient)), 403);
    // a viewer posting a malformed body learns it may not post, nothing about the body
    problem(route.run(json(HttpMethods.POST, "/api/v1/clients", VIEWER, "{")), 403);

    TestRouteResult none = route.run(req(HttpMethods.GET, "/api/v1/clients", null));
    problem(none, 401);
    none.assertHeaderExists("WWW-Authenticate", "Bearer realm=\"relay\"");
    TestRouteResult bad = route.run(req(HttpMethods.GET, "/api/v1/clients", "wrong-token"));
    problem(bad, 401);
    assertTrue(bad.response().getHeader("WWW-Authenticate").get().value()
        .contains("invalid_token"));
    problem(route.run(req(HttpMethods.GET, "/api/v1/clients", null)
        .addHeader(org.apache.pekko.http.javadsl.model.headers.Authorization.basic("a", "b"))), 401);
    problem(route.run(json(HttpMethods.POST, "/api/v1/clients", null, newClient)), 401);
    assertEquals(2, api.registry.changes());
  }

  @Test
  void unknownRoutesAndMethods() {
    assertTrue(problem(route.run(req(HttpMethods.GET, "/api/v1/nothing", ADMIN)), 404)
        .contains("/api/v1/nothing"));
    problem(route.run(req(HttpMethods.GET, "/elsewhere", null)), 404);
    TestRouteResult put = route.run(json(HttpMethods.PUT, "/api/v1/clients", ADMIN, "{}"));
    assertTrue(problem(put, 405).contains("GET, POST"));
    put.assertHeaderExists("Allow", "GET, POST");
    problem(route.run(req(HttpMethods.POST, "/api/v1/clients/billing", ADMIN)), 405);
    problem(route.run(req(HttpMethods.GET, "/api/v1/clients", null)), 401);
  }
}

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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * /api/v1/tokens over the in-memory registry: a created token's secret is answered once and then
 * authenticates with its role (admin, viewer, client of one client) as its name; lists never show
 * a secret or hash; revocation and deleting a token's client make it 401; every refusal
 * (400/403/404/409/413/415/422) changes nothing.
 */
class TokenRoutesTest extends ApiRouteTest {

  @BeforeEach
  void clients() {
    billingAndPayroll();
  }

  private TestRouteResult create(String token, String body) {
    return route.run(json(HttpMethods.POST, "/api/v1/tokens", token, body));
  }

  /** Creates a token as ADMIN and returns the answer (201 asserted). */
  private JsonNode created(String body) {
    TestRouteResult r = create(ADMIN, body);
    r.assertStatusCode(201);
    JsonNode t = read(r);
    assertEquals("/api/v1/tokens/" + t.get("id").asText(),
        r.header(Location.class).getUri().toString());
    return t;
  }

  private int status(String method, String path, String token) {
    return route.run(req(org.apache.pekko.http.javadsl.model.HttpMethods.lookup(method)
        .orElseThrow(), path, token)).statusCode();
  }

  @Test
  void aCreatedTokenIsShownOnceAndWorksWithItsRole() {
    JsonNode viewer = created("{\"name\":\"grafana\",\"role\":\"viewer\"}");
    String secret = viewer.get("token").asText();
    assertEquals(43, secret.length(), viewer.toString());
    assertEquals("viewer", viewer.get("role").asText());
    assertEquals("grafana", viewer.get("name").asText());
    assertEquals("ops-admin", viewer.get("createdBy").asText());
    assertFalse(viewer.has("client") || viewer.has("hash"), viewer.toString());
    assertFalse(api.registry.state().contains(secret), "the secret is not kept");
    assertEquals(200, status("GET", "/api/v1/clients", secret));
    problem(route.run(json(HttpMethods.POST, "/api/v1/clients", secret,
        client("third", "192.0.2.30", ""))), 403);

    JsonNode admin = created("{\"name\":\"deploy-bot\",\"role\":\"admin\"}");
    route.run(json(HttpMethods.POST, "/api/v1/blocks", admin.get("token").asText(),
        "{\"kind\":\"ip\",\"value\":\"192.0.2.99\",\"reason\":\"x\"}")).assertStatusCode(201);
    JsonNode audit = read(route.run(req(HttpMethods.GET, "/api/v1/audit", VIEWER)));
    assertEquals("deploy-bot", audit.get(0).get("actor").asText(), "the token's name acts");
    assertEquals("token-created", audit.get(1).get("action").asText());
    assertEquals("ops-admin", audit.get(1).get("actor").asText());

    JsonNode own = created("{\"name\":\"billing-app-2\",\"role\":\"client\",\"client\":\"billing\"}");
    assertEquals("billing", own.get("client").asText());
    String ownSecret = own.get("token").asText();
    assertEquals(200, status("GET", "/api/v1/clients/billing", ownSecret));
    assertEquals(403, status("GET", "/api/v1/clients/payroll", ownSecret));
    assertEquals(403, status("GET", "/api/v1/clients", ownSecret));
    assertEquals(403, status("GET", "/api/v1/tokens", ownSecret));

    JsonNode list = read(route.run(req(HttpMethods.GET, "/api/v1/tokens", VIEWER))
        .assertStatusCode(200));
    assertEquals(3, list.get("tokens").size());
    list.get("tokens").forEach(t -> assertFalse(t.has("token") || t.has("hash"), t.toString()));
    JsonNode one = read(route.run(req(HttpMethods.GET, "/api/v1/tokens/"
        + own.get("id").asText(), VIEWER)).assertStatusCode(200));
    assertEquals("billing-app-2", one.get("name").asText());
    assertFalse(one.has("token"));
  }

  @Test
  void revokedTokensAndTokensOfADeletedClientStopWorking() {
    JsonNode viewer = created("{\"name\":\"grafana\",\"role\":\"viewer\"}");
    String secret = viewer.get("token").asText();
    String id = viewer.get("id").asText();
    JsonNode own = created("{\"name\":\"payroll-app\",\"role\":\"client\",\"client\":\"payroll\"}");
    assertEquals(200, status("GET", "/api/v1/clients/payroll", own.get("token").asText()));

    problem(route.run(req(HttpMethods.DELETE, "/api/v1/tokens/" + id, VIEWER)), 403);
    assertEquals(200, status("GET", "/api/v1/clients", secret));
    route.run(req(HttpMethods.DELETE, "/api/v1/tokens/" + id, ADMIN)).assertStatusCode(204);
    assertTrue(problem(route.run(req(HttpMethods.GET, "/api/v1/clients", secret)), 401)
        .contains("not valid"));
    problem(route.run(req(HttpMethods.DELETE, "/api/v1/tokens/" + id, ADMIN)), 404);
    problem(route.run(req(HttpMethods.GET, "/api/v1/tokens/" + id, ADMIN)), 404);

    route.run(req(HttpMethods.DELETE, "/api/v1/clients/payroll", ADMIN)).assertStatusCode(204);
    problem(route.run(req(HttpMethods.GET, "/api/v1/clients/payroll",
        own.get("token").asText())), 401);
    JsonNode audit = read(route.run(req(HttpMethods.GET, "/api/v1/audit?limit=3", ADMIN)));
    assertEquals("token-revoked", audit.get(0).get("action").asText());
    assertEquals(own.get("id").asText(), audit.get(0).get("subject").asText());
    assertEquals("client-deleted", audit.get(1).get("action").asText());
    // a name is free again once its token is revoked
    created("{\"name\":\"grafana\",\"role\":\"viewer\"}");
  }

  @Test
  void refusalsChangeNothing() {
    created("{\"name\":\"grafana\",\"role\":\"viewer\"}");
    long before = api.registry.changes();
    String state = api.registry.state();
    assertTrue(problem(create(ADMIN, "{\"name\":\"grafana\",\"role\":\"admin\"}"), 409)
        .contains("grafana"));
    assertTrue(problem(create(ADMIN, "{\"name\":\"x\",\"role\":\"client\"}"), 422)
        .startsWith("client: required"));
    assertTrue(problem(create(ADMIN, "{\"name\":\"x\",\"role\":\"client\",\"client\":\"nobody\"}"),
        422).contains("no client nobody"));
    assertTrue(problem(create(ADMIN, "{\"name\":\"x\",\"role\":\"viewer\",\"client\":\"billing\"}"),
        422).startsWith("client: only"));
    assertTrue(problem(create(ADMIN, "{\"name\":\"x\",\"role\":\"root\"}"), 422)
        .contains("admin, viewer, client"));
    assertTrue(problem(create(ADMIN, "{\"name\":\"x\"}"), 422).startsWith("role: required"));
    assertTrue(problem(create(ADMIN, "{\"name\":\" lockout \",\"role\":\"admin\"}"), 422)
        .startsWith("name: 'lockout' is the relay's own"));
    assertTrue(problem(create(ADMIN, "{\"role\":\"viewer\"}"), 422).startsWith("name: required"));
    assertTrue(problem(create(ADMIN, "{\"name\":\"x\",\"role\":\"client\",\"client\":\"Bad_Id\"}"),
        422).contains("client id"));
    assertTrue(problem(create(ADMIN, "{\"name\":\"x\",\"role\":\"viewer\",\"token\":\"mine\"}"),
        400).contains("unknown field 'token'"));
    problem(create(ADMIN, "{\"name\":5,\"role\":\"viewer\"}"), 400);
    problem(create(ADMIN, "{\"name\":\"x\",\"role\":\"viewer\""), 400);
    problem(route.run(json(HttpMethods.POST, "/api/v1/tokens", ADMIN, "name=x",
        ContentTypes.TEXT_PLAIN_UTF8)), 415);
    problem(create(ADMIN, "{\"name\":\"" + "x".repeat(ApiFixture.MAX_BODY) + "\"}"), 413);
    problem(create(VIEWER, "{\"name\":\"x\",\"role\":\"admin\"}"), 403);
    problem(create(BILLING, "{\"name\":\"x\",\"role\":\"admin\"}"), 403);
    problem(create(null, "{\"name\":\"x\",\"role\":\"admin\"}"), 401);
    problem(route.run(req(HttpMethods.DELETE, "/api/v1/tokens/t99", ADMIN)), 404);
    problem(route.run(req(HttpMethods.PATCH, "/api/v1/tokens/t1", ADMIN)), 405);
    assertEquals(before, api.registry.changes());
    assertEquals(state, api.registry.state());
  }
}

package relay.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * POST /api/v1/announcements over the notices service's checks (a test double that queues
 * nothing, see InMemoryNoticeService): 202 with id, clients and recipients and an audit entry;
 * each refusal (401, 403, 400, 415, 422, 405) with a problem+json that changes nothing.
 */
class AnnouncementRoutesTest extends ApiRouteTest {

  private static final String PATH = "/api/v1/announcements";

  @BeforeEach
  void twoClients() {
    route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN,
        client("billing", "192.0.2.10", ""))).assertStatusCode(201);
    route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN, "{\"id\":\"shop\",\"name\":"
        + "\"Shop\",\"contacts\":[\"a@shop.example\",\"b@shop.example\"],\"addresses\":"
        + "[{\"ip\":\"192.0.2.11\",\"role\":\"production\"}]}"))
        .assertStatusCode(201);
  }

  private TestRouteResult post(String token, String body) {
    return route.run(json(HttpMethods.POST, PATH, token, body));
  }

  @Test
  void adminAnnouncesToEveryClientOrToChosenOnesAndItIsAudited() {
    JsonNode all = read(post(ADMIN, "{\"subject\":\"Maintenance\",\"body\":\"Sunday\"}")
        .assertStatusCode(202));
    assertEquals("a1", all.get("id").asText());
    assertEquals(2, all.get("clients").asInt());
    assertEquals(3, all.get("recipients").asInt());
    JsonNode chosen = read(post(ADMIN, "{\"subject\":\"Quota\",\"body\":\"Raised\","
        + "\"clients\":[\"shop\",\"shop\"]}").assertStatusCode(202));
    assertEquals(1, chosen.get("clients").asInt(), "a client named twice gets one mail");
    assertEquals(2, chosen.get("recipients").asInt());
    JsonNode audit = read(route.run(req(HttpMethods.GET, "/api/v1/audit", VIEWER)));
    assertEquals("announcement", audit.get(0).get("action").asText());
    assertEquals("ops-admin", audit.get(0).get("actor").asText());
    assertEquals("'Quota' to 1 clients", audit.get(0).get("detail").asText());
  }

  @Test
  void everyRefusalIsAProblemAndChangesNothing() {
    long before = api.registry.changes();
    problem(post(null, "{\"subject\":\"x\",\"body\":\"y\"}"), 401);
    assertTrue(problem(post(VIEWER, "{\"subject\":\"x\",\"body\":\"y\"}"), 403)
        .contains("admin"));
    problem(post(BILLING, "{\"subject\":\"x\",\"body\":\"y\"}"), 403);
    assertEquals("clients: no client nobody", problem(post(ADMIN,
        "{\"subject\":\"x\",\"body\":\"y\",\"clients\":[\"nobody\"]}"), 422));
    assertEquals("clients: empty; leave it out to reach every client", problem(post(ADMIN,
        "{\"subject\":\"x\",\"body\":\"y\",\"clients\":[]}"), 422));
    assertEquals("subject: required", problem(post(ADMIN, "{\"subject\":\" \",\"body\":\"y\"}"),
        422));
    assertEquals("subject: one line without control characters", problem(post(ADMIN,
        "{\"subject\":\"a\\r\\nBcc: x@example.org\",\"body\":\"y\"}"), 422));
    assertEquals("body: required", problem(post(ADMIN, "{\"subject\":\"x\"}"), 422));
    assertEquals("subject: longer than 200 characters", problem(post(ADMIN,
        "{\"subject\":\"" + "s".repeat(201) + "\",\"body\":\"y\"}"), 422));
    assertEquals("body: longer than 20000 characters", problem(post(ADMIN,
        "{\"subject\":\"x\",\"body\":\"" + "b".repeat(20_001) + "\"}"), 422));
    problem(post(ADMIN, "{\"subject\":\"x\",\"body\":\"y\",\"to\":\"all\"}"), 400);
    problem(post(ADMIN, "{\"subject\":\"x\",\"body\":\"y\",\"clients\":\"shop\"}"), 400);
    problem(post(ADMIN, "{\"subject\":\"x\","), 400);
    problem(route.run(json(HttpMethods.POST, PATH, ADMIN, "{\"subject\":\"x\",\"body\":\"y\"}",
        ContentTypes.TEXT_PLAIN_UTF8)), 415);
    problem(route.run(req(HttpMethods.GET, PATH, ADMIN)), 405);
    assertEquals(before, api.registry.changes(), "no audit entry, nothing announced");
  }
}

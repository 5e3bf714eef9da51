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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * POST and GET /api/v1/clients/{id}/bulk-notices and GET /api/v1/bulk-notices: a client posts
 * and reads its own, the operator reads all, only an admin raises a quota, every refusal a
 * problem+json that records nothing (and audits nothing).
 */
class BulkNoticeRoutesTest extends ApiRouteTest {

  static final Instant FROM = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
  static final Instant UNTIL = FROM.plus(6, ChronoUnit.HOURS);

  @BeforeEach
  void clients() {
    route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN,
        client("billing", "192.0.2.10", ""))).assertStatusCode(201);
    route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN,
        client("shop", "192.0.2.20", ""))).assertStatusCode(201);
  }

  static String notice(long expected, Instant from, Instant until, String extra) {
    return "{\"expectedRecipients\":" + expected + ",\"from\":\"" + from + "\",\"until\":\""
        + until + "\"" + extra + "}";
  }

  private TestRouteResult post(String client, String token, String body) {
    return route.run(json(HttpMethods.POST, "/api/v1/clients/" + client + "/bulk-notices", token,
        body));
  }

  private JsonNode list(String path, String token) {
    return read(route.run(req(HttpMethods.GET, path, token)).assertStatusCode(200))
        .get("notices");
  }

  @Test
  void aClientPostsAndReadsItsOwnAndTheOperatorSeesAllAndRaises() {
    JsonNode posted = read(post("billing", BILLING,
        notice(50000, FROM, UNTIL, ",\"note\":\"black friday newsletter\"")).assertStatusCode(201));
    assertEquals("billing-1", posted.get("id").asText());
    assertEquals("billing", posted.get("client").asText());
    assertEquals(50000, posted.get("expectedRecipients").asLong());
    assertEquals(FROM.toString(), posted.get("from").asText());
    assertEquals(UNTIL.toString(), posted.get("until").asText());
    assertEquals("black friday newsletter", posted.get("note").asText());
    assertFalse(posted.get("raiseQuota").asBoolean());
    assertEquals("billing-app", posted.get("postedBy").asText());

    JsonNode raised = read(post("billing", ADMIN, notice(20000, FROM.minusSeconds(3600), UNTIL,
        ",\"raiseQuota\":true")).assertStatusCode(201));
    assertTrue(raised.get("raiseQuota").asBoolean());
    assertFalse(raised.has("note"));
    read(post("shop", ADMIN, notice(10, FROM.plusSeconds(60), UNTIL, "")).assertStatusCode(201));

    JsonNode own = list("/api/v1/clients/billing/bulk-notices", BILLING);
    assertEquals(2, own.size());
    assertEquals("billing-2", own.get(0).get("id").asText(), "by start");
    assertEquals(3, list("/api/v1/bulk-notices", VIEWER).size());
    assertEquals(1, list("/api/v1/clients/shop/bulk-notices", VIEWER).size());

    JsonNode audit = read(route.run(req(HttpMethods.GET, "/api/v1/audit?limit=3", ADMIN))
        .assertStatusCode(200));
    assertEquals("bulk-notice-posted", audit.get(0).get("action").asText());
    assertEquals("shop-1", audit.get(0).get("subject").asText());
    assertEquals("ops-admin", audit.get(1).get("actor").asText());
    assertTrue(audit.get(1).get("detail").asText().endsWith("quota raised"), audit.toString());
    assertEquals("billing-app", audit.get(2).get("actor").asText());
  }

  @Test
  void refusalsRecordNothing() {
    long changes = api.registry.changes();
    String good = notice(100, FROM, UNTIL, "");
    assertTrue(problem(post("billing", BILLING, notice(100, FROM, UNTIL, ",\"raiseQuota\":true")),
        403).contains("only an admin token may raise a quota"));
    assertEquals("only an admin token or the client's own token may do this",
        problem(post("billing", VIEWER, good), 403));
    problem(post("shop", BILLING, good), 403);
    problem(route.run(req(HttpMethods.GET, "/api/v1/clients/shop/bulk-notices", BILLING)), 403);
    problem(route.run(req(HttpMethods.GET, "/api/v1/bulk-notices", BILLING)), 403);
    problem(post("billing", null, good), 401);
    assertEquals("no client nobody", problem(post("nobody", ADMIN, good), 404));
    problem(route.run(req(HttpMethods.GET, "/api/v1/clients/nobody/bulk-notices", ADMIN)), 404);
    assertTrue(problem(post("Not_An_Id", ADMIN, good), 404).startsWith("no client 'Not_An_Id'"));
    assertEquals("expectedRecipients: 0 is not between 1 and 1000000000",
        problem(post("billing", ADMIN, notice(0, FROM, UNTIL, "")), 422));
    assertTrue(problem(post("billing", ADMIN, notice(5, UNTIL, FROM, "")), 422)
        .startsWith("until: " + FROM + " is not after from"));
    assertTrue(problem(post("billing", ADMIN, notice(5, FROM.minusSeconds(86400),
        FROM.minusSeconds(7200), "")), 422).endsWith("is not in the future"));
    assertTrue(problem(post("billing", ADMIN, notice(5, FROM, FROM.plus(40, ChronoUnit.DAYS),
        "")), 422).contains("relay.quotas.bulk-notices.max-window"));
    assertTrue(problem(post("billing", ADMIN, "{\"expectedRecipients\":5,\"until\":\"" + UNTIL
        + "\"}"), 422).startsWith("from: required"));
    problem(post("billing", ADMIN, notice(5, FROM, UNTIL, ",\"volume\":3")), 400);
    problem(post("billing", ADMIN, "{\"expectedRecipients\":\"5\",\"from\":\"" + FROM
        + "\",\"until\":\"" + UNTIL + "\"}"), 400);
    problem(post("billing", ADMIN, notice(5, FROM, UNTIL, ",\"raiseQuota\":\"yes\"")), 400);
    assertEquals(0, list("/api/v1/bulk-notices", ADMIN).size());
    assertEquals(changes, api.registry.changes(), "nothing audited");

    for (int i = 0; i < 3; i++) {
      post("billing", BILLING, good).assertStatusCode(201);
    }
    assertTrue(problem(post("billing", BILLING, good), 409).contains("maximum of 3"));
    assertEquals(3, list("/api/v1/bulk-notices", ADMIN).size());
  }
}

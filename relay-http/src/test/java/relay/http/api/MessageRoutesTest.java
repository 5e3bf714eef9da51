package relay.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.http.api.ApiFixture.ADMIN;
import static relay.http.api.ApiFixture.BILLING;
import static relay.http.api.ApiFixture.VIEWER;
import static relay.http.api.ApiFixture.problem;
import static relay.http.api.ApiFixture.read;
import static relay.http.api.ApiFixture.req;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import relay.persistence.history.EventKind;
import relay.persistence.history.HistoryRecord;
import relay.persistence.history.HistoryStore;

/** GET /api/v1/messages/{id} and GET /api/v1/messages over a real (H2) history store. */
class MessageRoutesTest extends ApiRouteTest {

  static final Instant T0 = Instant.parse("2026-12-05T06:00:00Z");

  @BeforeEach
  void history() throws Exception {
    api.history.write(List.of(
        accepted("Q1", "billing", "owner@billing.test", T0, "bob@dest.test", "amy@dest.test"),
        outcome("Q1", EventKind.DEFERRED, "451 4.3.0 Try later", 1, 5, "bob@dest.test"),
        outcome("Q1", EventKind.DEFERRED, "451 4.3.0 Try later", 2, 10, "bob@dest.test"),
        outcome("Q1", EventKind.DELIVERED, "250 2.0.0 Ok", 3, 20, "bob@dest.test",
            "amy@dest.test"),
        accepted("Q2", "payroll", "hr@payroll.test", T0.plusSeconds(60), "bob@dest.test"),
        outcome("Q2", EventKind.BOUNCED, "550 5.1.1 No such user", 1, 61, "bob@dest.test"),
        new HistoryRecord.Outcome("Q2", EventKind.DSN, List.of("bob@dest.test"),
            Optional.empty(), Optional.empty(), 0, Optional.of("failed DSN Q3 to hr@payroll.test"),
            T0.plusSeconds(62)),
        new HistoryRecord.Accepted("Q3", Optional.empty(), Optional.empty(), "",
            List.of("hr@payroll.test"), 900, T0.plusSeconds(62))));
  }

  private static HistoryRecord.Accepted accepted(String id, String client, String sender,
      Instant at, String... recipients) {
    return new HistoryRecord.Accepted(id, Optional.of(client), Optional.of("192.0.2.10"),
        sender, List.of(recipients), 2048, at);
  }

  private static HistoryRecord.Outcome outcome(String id, EventKind kind, String reply,
      int attempt, int second, String... recipients) {
    return new HistoryRecord.Outcome(id, kind, List.of(recipients), Optional.of("mx.dest.test"),
        Optional.of(reply), attempt, Optional.empty(), T0.plusSeconds(second));
  }

  private TestRouteResult get(String path, String token) {
    return route.run(req(HttpMethods.GET, path, token));
  }

  private List<String> ids(String query, String token) {
    JsonNode body = read(get("/api/v1/messages" + query, token).assertStatusCode(200));
    List<String> ids = new ArrayList<>();
    body.get("messages").forEach(m -> ids.add(m.get("id").asText()));
    return ids;
  }

  @Test
  void aMessageShowsItsEnvelopeAndEveryAttemptWithTheRemoteReply() {
    JsonNode m = read(get("/api/v1/messages/Q1", VIEWER).assertStatusCode(200));
    assertEquals("Q1", m.get("id").asText());
    assertEquals("billing", m.get("client").asText());
    assertEquals("192.0.2.10", m.get("sourceIp").asText());
    assertEquals("owner@billing.test", m.get("sender").asText());
    assertEquals("[\"bob@dest.test\",\"amy@dest.test\"]", m.get("recipients").toString());
    assertEquals(2048, m.get("size").asLong());
    assertEquals("2026-12-05T06:00:00Z", m.get("receivedAt").asText());
    JsonNode events = m.get("events");
    assertEquals(5, events.size(), events.toString());
    JsonNode accepted = events.get(0);
    assertEquals("accepted", accepted.get("kind").asText());
    assertTrue(accepted.get("reply").isNull() && accepted.get("recipient").isNull()
        && accepted.get("remoteHost").isNull(), "absent values are null, not left out: " + accepted);
    assertEquals("deferred", events.get(1).get("kind").asText());
    assertEquals("451 4.3.0 Try later", events.get(1).get("reply").asText());
    assertEquals("mx.dest.test", events.get(1).get("remoteHost").asText());
    assertEquals("bob@dest.test", events.get(1).get("recipient").asText());
    assertEquals(1, events.get(1).get("attempt").asInt());
    assertEquals("2026-12-05T06:00:05Z", events.get(1).get("at").asText());
    assertEquals(2, events.get(2).get("attempt").asInt());
    assertEquals("delivered", events.get(3).get("kind").asText());
    assertEquals("250 2.0.0 Ok", events.get(4).get("reply").asText());
    assertEquals(false, m.get("eventsTruncated").asBoolean());

    JsonNode bounced = read(get("/api/v1/messages/Q2", ADMIN).assertStatusCode(200));
    assertEquals("dsn", bounced.get("events").get(2).get("kind").asText());
    assertEquals("failed DSN Q3 to hr@payroll.test",
        bounced.get("events").get(2).get("detail").asText());
    JsonNode dsn = read(get("/api/v1/messages/Q3", ADMIN).assertStatusCode(200));
    assertTrue(dsn.get("client").isNull() && dsn.get("sourceIp").isNull(), dsn.toString());
    assertEquals("", dsn.get("sender").asText());
  }

  @Test
  void searchesNewestFirstWithStatus() {
    assertEquals(List.of("Q3", "Q2", "Q1"), ids("", ADMIN));
    assertEquals(List.of("Q2", "Q1"), ids("?recipient=Bob@Dest.Test", VIEWER));
    assertEquals(List.of("Q1"), ids("?client=billing", VIEWER));
    assertEquals(List.of("Q2"), ids("?sender=hr@payroll.test&recipient=bob@dest.test", ADMIN));
    assertEquals(List.of("Q3"), ids("?sender=", ADMIN), "empty sender: the null sender");
    assertEquals(List.of("Q2"), ids("?since=2026-12-05T06:01:00Z&until=2026-12-05T06:01:01Z",
        ADMIN));
    assertEquals(List.of("Q3"), ids("?limit=1", ADMIN));
    assertEquals(List.of(), ids("?recipient=nobody@dest.test", ADMIN));
    JsonNode list = read(get("/api/v1/messages?recipient=bob@dest.test", ADMIN)
        .assertStatusCode(200)).get("messages");
    assertEquals("bounced", list.get(0).get("status").asText());
    JsonNode q1 = list.get(1);
    assertEquals("delivered", q1.get("status").asText());
    assertEquals("billing", q1.get("client").asText());
    assertEquals(2, q1.get("recipientCount").asInt());
    assertEquals("[\"bob@dest.test\",\"amy@dest.test\"]", q1.get("recipients").toString());
    assertEquals(2048, q1.get("size").asLong());
    assertEquals("2026-12-05T06:00:00Z", q1.get("receivedAt").asText());
    assertEquals("queued", read(get("/api/v1/messages?sender=", ADMIN)).get("messages").get(0)
        .get("status").asText());
  }

  @Test
  void aClientTokenSeesOnlyItsOwnClientsMessages() {
    assertEquals(List.of("Q1"), ids("", BILLING), "limited to its client");
    assertEquals(List.of("Q1"), ids("?recipient=bob@dest.test", BILLING));
    assertEquals(List.of("Q1"), ids("?client=billing", BILLING));
    assertTrue(problem(get("/api/v1/messages?client=payroll", BILLING), 403)
        .contains("own client"));
    read(get("/api/v1/messages/Q1", BILLING).assertStatusCode(200));
    String other = problem(get("/api/v1/messages/Q2", BILLING), 404);
    assertEquals(problem(get("/api/v1/messages/NOPE", BILLING), 404).replace("NOPE", "Q2"),
        other, "another client's message is answered as if it did not exist");
    problem(get("/api/v1/messages/Q3", BILLING), 404);
  }

  @Test
  void badRequestsAreProblems() {
    problem(get("/api/v1/messages", null), 401);
    problem(get("/api/v1/messages/Q1", null), 401);
    problem(get("/api/v1/messages/Q1", "not-a-token-0123456789"), 401);
    assertTrue(problem(get("/api/v1/messages?since=yesterday", ADMIN), 400)
        .contains("'since'"));
    assertTrue(problem(get("/api/v1/messages?until=1767225600", ADMIN), 400)
        .contains("ISO-8601"));
    assertTrue(problem(get("/api/v1/messages?since=2026-12-05T07:00:00Z"
        + "&until=2026-12-05T06:00:00Z", ADMIN), 400).contains("since must be before until"));
    assertTrue(problem(get("/api/v1/messages?limit=0", ADMIN), 400).contains("'limit'"));
    problem(get("/api/v1/messages?limit=1001", ADMIN), 400);
    assertTrue(problem(get("/api/v1/messages?limit=ten", ADMIN), 400).contains("'limit'"));
    assertTrue(problem(get("/api/v1/messages?recipient=", ADMIN), 400).contains("'recipient'"));
    problem(get("/api/v1/messages?recipient=" + "x".repeat(321), ADMIN), 400);
    problem(get("/api/v1/messages/NOPE", ADMIN), 404);
    problem(get("/api/v1/messages/" + "Q".repeat(65), ADMIN), 404);
    problem(get("/api/v1/messages/a%20b", ADMIN), 404);
    problem(get("/api/v1/messages/Q1/events", ADMIN), 404);
    problem(route.run(req(HttpMethods.POST, "/api/v1/messages", ADMIN)), 405);
    problem(route.run(req(HttpMethods.DELETE, "/api/v1/messages/Q1", ADMIN)), 405);
  }

  @Test
  void aHistoryDatabaseThatFailsIs503() throws Exception {
    javax.sql.DataSource db = ApiFixture.h2();
    HistoryStore store = new HistoryStore(db);
    store.write(List.of(accepted("Z", "billing", "a@b.test", T0, "r@d.test")));
    TestRoute brokenRoute = testRoute(ApiErrors.seal(ApiFixture.api(api.registry, store)
        .route()));
    try (java.sql.Connection c = db.getConnection(); java.sql.Statement st = c.createStatement()) {
      st.execute("DROP TABLE relay_history_recipient"); // every read of the history fails now
    }
    assertTrue(problem(brokenRoute.run(req(HttpMethods.GET, "/api/v1/messages/Z", ADMIN)), 503)
        .contains("retry later"));
    problem(brokenRoute.run(req(HttpMethods.GET, "/api/v1/messages", VIEWER)), 503);
  }
}

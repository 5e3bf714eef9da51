package relay.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.http.api.ApiFixture.ADMIN;
import static relay.http.api.ApiFixture.BILLING;
import static relay.http.api.ApiFixture.VIEWER;
import static relay.http.api.ApiFixture.problem;
import static relay.http.api.ApiFixture.read;
import static relay.http.api.ApiFixture.req;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import relay.http.testing.InMemoryQueueService;
import relay.http.testing.InMemoryRegistryService;
import relay.http.testing.JUnit5RouteTest;
import relay.persistence.queue.DestinationQueue;
import relay.persistence.queue.PendingMessage;
import relay.persistence.queue.QueueService.Action;
import relay.persistence.queue.RecordedReply;
import relay.persistence.queue.ShapingSettings;

/**
 * /api/v1/queues over a TEST DOUBLE of the queue service (the behaviour of the queues is tested
 * over real SMTP in relay-node): bodies in the agreed shapes, roles (admin acts, viewer reads,
 * client tokens 403), 404 for a domain without a queue, 422 for suspending something that is no
 * domain, 400 for a bad limit, 405, and each action audited with the token's name.
 */
class QueueRoutesTest extends JUnit5RouteTest {

  static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

  InMemoryRegistryService registry;
  InMemoryQueueService queues;
  TestRoute route;

  @BeforeEach
  void api() {
    registry = new InMemoryRegistryService(Clock.systemUTC());
    queues = new InMemoryQueueService(registry);
    route = testRoute(ApiErrors.seal(ApiFixture.api(registry, queues).route()));
    PendingMessage m1 = new PendingMessage("Q1", "app@shop.example", List.of("a@mail.example",
        "b@mail.example"), 1234, T0, false, false, 2, T0.plusSeconds(600), false);
    PendingMessage m2 = new PendingMessage("Q2", "", List.of("c@mail.example"), 99,
        T0.plusSeconds(5), false, false, 0, T0.plusSeconds(5), false);
    queues.put(new DestinationQueue("mail.example", 2, 3, 1, 0, Optional.of(T0),
        Optional.of(new RecordedReply(451, "4.7.1", "try later")), Optional.empty(), 2,
        new ShapingSettings(4, 100, 50, 600, 2), List.of(m1, m2)));
  }

  @Test
  void viewerListsAndReadsOneDestinationInTheAgreedShape() {
    JsonNode list = read(route.run(req(HttpMethods.GET, "/api/v1/queues", VIEWER))
        .assertStatusCode(200));
    JsonNode q = list.get("queues").get(0);
    assertEquals("mail.example", q.get("domain").asText());
    assertEquals(2, q.get("depth").asInt());
    assertTrue(q.get("oldestAgeSeconds").asLong() > 0);
    assertEquals(1, q.get("deferred").asInt());
    assertEquals("451 4.7.1 try later", q.get("lastError").asText());
    assertFalse(q.get("suspended").asBoolean());
    assertEquals(4, q.get("shaping").get("maxConnections").asInt());
    assertEquals(600, q.get("shaping").get("messagesPerMinute").asInt());
    assertFalse(q.has("messages"), "the list carries no messages");

    JsonNode one = read(route.run(req(HttpMethods.GET, "/api/v1/queues/Mail.Example?limit=1",
        VIEWER)).assertStatusCode(200));
    assertEquals(1, one.get("messages").size());
    JsonNode m = one.get("messages").get(0);
    assertEquals("Q1", m.get("id").asText());
    assertEquals("app@shop.example", m.get("sender").asText());
    assertEquals(2, m.get("recipients").size());
    assertEquals(1234, m.get("size").asInt());
    assertEquals(T0.toString(), m.get("enqueuedAt").asText());
    assertEquals(2, m.get("attempts").asInt());
    assertEquals(T0.plusSeconds(600).toString(), m.get("nextAttemptAt").asText());
    assertTrue(m.has("lastError") && m.get("lastError").isNull());
    assertEquals(2, read(route.run(req(HttpMethods.GET, "/api/v1/queues/mail.example", ADMIN)))
        .get("messages").size(), "default limit");
  }

  @Test
  void adminActsEachActionIsAuditedAndSuspensionShowsInTheList() {
    JsonNode suspended = read(route.run(req(HttpMethods.POST,
        "/api/v1/queues/mail.example/suspend", ADMIN)).assertStatusCode(200));
    assertEquals("mail.example", suspended.get("domain").asText());
    assertEquals("suspend", suspended.get("action").asText());
    assertEquals(2, suspended.get("affected").asInt());
    JsonNode q = read(route.run(req(HttpMethods.GET, "/api/v1/queues", VIEWER))).get("queues")
        .get(0);
    assertTrue(q.get("suspended").asBoolean());
    assertEquals("ops-admin", q.get("suspendedBy").asText());

    for (String action : List.of("resume", "retry", "bounce")) {
      JsonNode done = read(route.run(req(HttpMethods.POST, "/api/v1/queues/mail.example/"
          + action, ADMIN)).assertStatusCode(200));
      assertEquals(action, done.get("action").asText());
    }
    assertEquals(List.of(Action.SUSPEND, Action.RESUME, Action.RETRY, Action.BOUNCE),
        queues.calls().stream().map(InMemoryQueueService.Acted::action).toList());
    assertTrue(queues.calls().stream().allMatch(c -> c.actor().equals("ops-admin")));
    JsonNode audit = read(route.run(req(HttpMethods.GET, "/api/v1/audit", VIEWER)));
    assertEquals(4, audit.size());
    assertEquals("queue-bounce", audit.get(0).get("action").asText());
    assertEquals("mail.example", audit.get(0).get("subject").asText());
    assertEquals("ops-admin", audit.get(0).get("actor").asText());

    JsonNode pre = read(route.run(req(HttpMethods.POST, "/api/v1/queues/new.example/suspend",
        ADMIN)).assertStatusCode(200));
    assertEquals(0, pre.get("affected").asInt(), "a destination is held before its first mail");
  }

  @Test
  void refusalsAreProblemsAndChangeNothing() {
    for (String action : List.of("resume", "retry", "bounce")) {
      String detail = problem(route.run(req(HttpMethods.POST, "/api/v1/queues/none.example/"
          + action, ADMIN)), 404);
      assertTrue(detail.contains("no queue for 'none.example'"), detail);
    }
    problem(route.run(req(HttpMethods.GET, "/api/v1/queues/none.example", VIEWER)), 404);
    String notDomain = problem(route.run(req(HttpMethods.POST,
        "/api/v1/queues/bad_domain!/suspend", ADMIN)), 422);
    assertTrue(notDomain.contains("is not a domain name"), notDomain);
    problem(route.run(req(HttpMethods.GET, "/api/v1/queues/mail.example?limit=1001", ADMIN)),
        400);
    problem(route.run(req(HttpMethods.GET, "/api/v1/queues/mail.example?limit=x", ADMIN)), 400);
    problem(route.run(req(HttpMethods.POST, "/api/v1/queues/mail.example/suspend", VIEWER)),
        403);
    problem(route.run(req(HttpMethods.GET, "/api/v1/queues", BILLING)), 403);
    problem(route.run(req(HttpMethods.GET, "/api/v1/queues/mail.example", BILLING)), 403);
    problem(route.run(req(HttpMethods.POST, "/api/v1/queues/mail.example/bounce", null)), 401);
    problem(route.run(req(HttpMethods.DELETE, "/api/v1/queues/mail.example", ADMIN)), 405);
    problem(route.run(req(HttpMethods.POST, "/api/v1/queues/mail.example/hold", ADMIN)), 404);
    assertEquals(List.of(Action.RESUME, Action.RETRY, Action.BOUNCE),
        queues.calls().stream().map(InMemoryQueueService.Acted::action).toList(),
        "only the admitted calls with a domain reached the service");
    assertEquals(0, registry.changes(), "nothing audited");
    assertEquals(2, read(route.run(req(HttpMethods.GET, "/api/v1/queues/mail.example", ADMIN)))
        .get("depth").asInt());
  }
}

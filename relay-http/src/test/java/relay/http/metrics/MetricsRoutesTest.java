package relay.http.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.Test;
import relay.http.api.ApiErrors;
import relay.http.auth.HashedTokenStore;
import relay.http.auth.Principal;
import relay.http.testing.JUnit5RouteTest;
import relay.persistence.queue.QueueStatus;
import relay.persistence.registry.ClientId;
import relay.protocol.reply.Replies;
import relay.protocol.server.ClientIdentity;
import relay.protocol.server.RefusalReason;
import relay.protocol.server.SessionRefusal;

/**
 * GET /metrics with the route test kit: who may scrape (admin and viewer tokens; 401 without a
 * token, 403 for a client token, both problem+json; open with require-token off), the content
 * type, and that what was counted is what the text says. The queue depths come from a fixed
 * list standing in for the node's queues (the node test asks real ones).
 */
class MetricsRoutesTest extends JUnit5RouteTest {

  private static final String ADMIN = "admin-token-0123456789abcdef";
  private static final String VIEWER = "viewer-token-0123456789abcdef";
  private static final String BILLING = "billing-token-0123456789abcdef";

  private final RelayMetrics metrics = new RelayMetrics();
  private final LocalQueues queues = () -> CompletableFuture.completedFuture(List.of(
      status("b.example", 0, 3, 5), status("a.example", 0, 1, 1), status("b.example", 1, 2, 2)));

  private static QueueStatus status(String domain, int subQueue, int messages, long recipients) {
    return new QueueStatus(domain, subQueue, false, messages, recipients, 0, 0, 0,
        Optional.of(Instant.parse("2026-12-05T08:00:00Z")));
  }

  private TestRoute route(boolean requireToken) {
    HashedTokenStore tokens = new HashedTokenStore()
        .add(ADMIN, Principal.admin("ops-admin"))
        .add(VIEWER, Principal.viewer("ops-viewer"))
        .add(BILLING, Principal.client("billing-app", new ClientId("billing")));
    return testRoute(ApiErrors.seal(new MetricsRoutes(new MetricsScrape(metrics, queues), tokens,
        new MetricsSettings(requireToken, Duration.ofSeconds(1))).route()));
  }

  private static HttpRequest scrape(String token) {
    HttpRequest r = HttpRequest.GET("/metrics");
    return token == null ? r : r.addHeader(Authorization.oauth2(token));
  }

  private static void problem(TestRouteResult result, int status) {
    assertEquals(status, result.statusCode(), result.entityString());
    assertEquals("application/problem+json", result.contentType().mediaType().toString());
  }

  @Test
  void adminAndViewerScrapeAClientTokenOrNoTokenDoesNot() {
    TestRoute route = route(true);
    problem(route.run(scrape(null)), 401);
    problem(route.run(scrape("not-a-token-0123456789abcdef")), 401);
    problem(route.run(scrape(BILLING)), 403);
    problem(route.run(scrape(ADMIN).withMethod(HttpMethods.POST)), 405);
    for (String token : List.of(ADMIN, VIEWER)) {
      TestRouteResult ok = route.run(scrape(token)).assertStatusCode(200);
      assertEquals("text/plain; version=0.0.4; charset=UTF-8", ok.contentType().toString());
    }
  }

  @Test
  void withoutRequireTokenAnybodyScrapes() {
    route(false).run(scrape(null)).assertStatusCode(200);
  }

  @Test
  void theTextSaysWhatWasCounted() {
    metrics.accepted(3, 4_000_000); // 4 ms
    metrics.accepted(1, 40_000_000); // 40 ms
    ClientIdentity anonymous = ClientIdentity.anonymous("198.51.100.9");
    for (int i = 0; i < 2; i++) {
      metrics.refused(new SessionRefusal(SessionRefusal.Stage.RCPT, RefusalReason.RELAY_DENIED,
          anonymous, Optional.of("a@x.example"), List.of(), Optional.of("b@y.example"),
          Replies.RELAY_DENIED));
    }
    metrics.delivered(3);
    metrics.deferred(2);
    metrics.bounced(1);
    metrics.sessions(() -> 7);
    String text = route(true).run(scrape(VIEWER)).assertStatusCode(200).entityString();
    List<String> lines = text.lines().toList();
    for (String expected : List.of(
        "relay_smtp_accepted_messages_total 2.0",
        "relay_smtp_accepted_recipients_total 4.0",
        "relay_smtp_refusals_total{reason=\"relay-denied\"} 2.0",
        "relay_smtp_refusals_total{reason=\"blocked-ip\"} 0.0",
        "relay_delivered_recipients_total 3.0",
        "relay_deferred_recipients_total 2.0",
        "relay_bounced_recipients_total 1.0",
        "relay_expired_recipients_total 0.0",
        "relay_smtp_sessions 7.0",
        "relay_smtp_accept_duration_seconds_bucket{le=\"0.001\"} 0",
        "relay_smtp_accept_duration_seconds_bucket{le=\"0.005\"} 1",
        "relay_smtp_accept_duration_seconds_bucket{le=\"0.05\"} 2",
        "relay_smtp_accept_duration_seconds_bucket{le=\"+Inf\"} 2",
        "relay_smtp_accept_duration_seconds_count 2",
        "relay_queue_messages{domain=\"a.example\"} 1.0",
        "relay_queue_messages{domain=\"b.example\"} 5.0",
        "relay_queue_recipients{domain=\"b.example\"} 7.0")) {
      assertTrue(lines.contains(expected), expected + " in\n" + text);
    }
    assertEquals(RefusalReason.values().length,
        lines.stream().filter(l -> l.startsWith("relay_smtp_refusals_total{")).count(),
        "one series per reason, each from the start");
    assertTrue(lines.contains("# TYPE relay_smtp_accept_duration_seconds histogram"), text);
  }
}

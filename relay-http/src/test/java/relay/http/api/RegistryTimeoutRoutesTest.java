package relay.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.http.api.ApiFixture.ADMIN;
import static relay.http.api.ApiFixture.VIEWER;
import static relay.http.api.ApiFixture.client;
import static relay.http.api.ApiFixture.json;
import static relay.http.api.ApiFixture.problem;
import static relay.http.api.ApiFixture.read;
import static relay.http.api.ApiFixture.req;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import relay.http.testing.JUnit5RouteTest;
import relay.persistence.registry.Registry;

/**
 * The API when the registry singleton does not answer: the real {@link Registry} on a node that
 * never joins a cluster, so the singleton never starts and every ask of the entity times out
 * (relay.registry.ask-timeout, 300 ms here). Each change and the audit log answer 503 with a
 * problem+json that says the change may or may not have been made; reads of clients and blocks
 * come from the node's view and still answer.
 */
class RegistryTimeoutRoutesTest extends JUnit5RouteTest {

  private static final String DETAIL = "the registry did not answer in time; the change may or"
      + " may not have been made: read it back, then retry";

  private TestRoute route;

  @Override
  protected Config additionalConfig() {
    return ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
        relay.registry.ask-timeout = 300ms
        relay.registry.import.retry = 10s
        """);
  }

  @BeforeAll
  void startRegistryWithoutCluster() {
    Registry registry = Registry.start(Adapter.toTyped(system()), List.of());
    route = testRoute(ApiFixture.route(registry.service()));
  }

  private void unavailable(HttpRequest request) {
    long start = System.nanoTime();
    assertEquals(DETAIL, problem(route.run(request), 503));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis >= 250 && millis < 5_000, "answered after " + millis + " ms");
  }

  @Test
  void everyChangeAndTheAuditLogAre503AndReadsStillAnswer() {
    unavailable(json(HttpMethods.POST, "/api/v1/clients", ADMIN, client("late", "192.0.2.9", "")));
    unavailable(json(HttpMethods.POST, "/api/v1/blocks", ADMIN,
        "{\"kind\":\"ip\",\"value\":\"192.0.2.9\",\"reason\":\"x\"}"));
    unavailable(req(HttpMethods.DELETE, "/api/v1/blocks/b1", ADMIN));
    unavailable(req(HttpMethods.DELETE, "/api/v1/clients/late", ADMIN));
    unavailable(req(HttpMethods.GET, "/api/v1/audit", VIEWER));
    assertEquals(0, read(route.run(req(HttpMethods.GET, "/api/v1/clients", VIEWER))
        .assertStatusCode(200)).size(), "the view answers, empty");
    assertEquals(0, read(route.run(req(HttpMethods.GET, "/api/v1/blocks", VIEWER))
        .assertStatusCode(200)).size());
  }
}

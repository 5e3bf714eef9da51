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
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import relay.http.testing.JUnit5RouteTest;
import relay.persistence.queue.ShardedQueues;
import relay.persistence.registry.Registry;
import relay.persistence.registry.RegistryResult;
import relay.persistence.registry.RegistryService;

/**
 * The API over the real registry: {@link Registry#start} (the event-sourced entity as a Cluster
 * Singleton, the replicated view, EntityRegistryService) on a one-node cluster with an H2 journal
 * file, driven through the routes: clients, blocks and audit end to end with their 201/204/403/
 * 404/409/422 answers, and the 200 generated malformed bodies leave the registry unchanged.
 */
class ApiOverRegistryTest extends JUnit5RouteTest {

  private Path dir;
  private RegistryService service;
  private TestRoute route;

  @Override
  protected Config additionalConfig() {
    try {
      dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")),
          "relay-http-registry").toAbsolutePath(); // removed by mvn clean
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
        """).withFallback(ShardedQueues.h2Store(ShardedQueues.journalUrl(dir)));
  }

  @BeforeAll
  void startRegistry() throws Exception {
    ActorSystem<Void> typed = Adapter.toTyped(system());
    SchemaUtils.createIfNotExists(typed).toCompletableFuture().get(30, TimeUnit.SECONDS);
    Registry registry = Registry.start(typed, List.of(Registry.configured("Copier 3",
        List.of("192.0.2.7"), 5, "postmaster@relay.example")));
    Cluster cluster = Cluster.get(typed);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!(cluster.selfMember().status().equals(MemberStatus.up()) && answers(registry))) {
      assertTrue(System.nanoTime() < deadline, "registry not up within 30 s");
      Thread.sleep(50);
    }
    registry.imported().toCompletableFuture().get(30, TimeUnit.SECONDS);
    service = registry.service();
    route = testRoute(ApiFixture.route(service, registry.view()));
    route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN,
        client("billing", "192.0.2.10", ""))).assertStatusCode(201);
  }

  private static boolean answers(Registry registry) {
    try {
      return registry.service().audit(1).toCompletableFuture().get(5, TimeUnit.SECONDS)
          instanceof RegistryResult.Ok;
    } catch (Exception e) {
      return false;
    }
  }

  /** Everything the registry holds, as text, and how many audit entries it has. */
  private String state() throws Exception {
    return service.clients().toCompletableFuture().get(5, TimeUnit.SECONDS) + " "
        + service.blocks().toCompletableFuture().get(5, TimeUnit.SECONDS) + " "
        + ((RegistryResult.Ok<?>) service.audit(1000).toCompletableFuture()
            .get(5, TimeUnit.SECONDS)).value();
  }

  @Test
  void clientsEndToEnd() {
    route.run(req(HttpMethods.GET, "/api/v1/clients/billing", BILLING)).assertStatusCode(200);
    route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN, client("payroll", "192.0.2.20",
        ",\"limits\":{\"maxSessions\":2}"))).assertStatusCode(201);
    assertTrue(problem(route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN,
        client("payroll", "192.0.2.21", ""))), 409).length() > 0);
    assertTrue(problem(route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN,
        client("thief", "192.0.2.20", ""))), 409).contains("192.0.2.20"));
    problem(route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN,
        client("ranged", "10.0.0.0/8", ""))), 422);
    problem(route.run(req(HttpMethods.GET, "/api/v1/clients/payroll", BILLING)), 403);
    problem(route.run(json(HttpMethods.PATCH, "/api/v1/clients/payroll", VIEWER, "{}")), 403);
    JsonNode patched = read(route.run(json(HttpMethods.PATCH, "/api/v1/clients/payroll", ADMIN,
        "{\"state\":\"suspended\",\"limits\":{\"recipientsPerHour\":100}}")).assertStatusCode(200));
    assertEquals("suspended", patched.get("state").asText());
    assertEquals(2, patched.get("limits").get("maxSessions").asInt());
    JsonNode read = read(route.run(req(HttpMethods.GET, "/api/v1/clients/payroll", VIEWER))
        .assertStatusCode(200));
    assertEquals(100, read.get("limits").get("recipientsPerHour").asInt(), "read your write");
    assertTrue(read(route.run(req(HttpMethods.GET, "/api/v1/clients", VIEWER))
        .assertStatusCode(200)).size() >= 2);
    route.run(req(HttpMethods.DELETE, "/api/v1/clients/payroll", ADMIN)).assertStatusCode(204);
    problem(route.run(req(HttpMethods.DELETE, "/api/v1/clients/payroll", ADMIN)), 404);
    problem(route.run(req(HttpMethods.GET, "/api/v1/clients/payroll", ADMIN)), 404);
  }

  /**
   * A client of the configuration file is changed in the file, not over the API: PATCH is a 409
   * that says so and changes nothing (the import at the next start cannot fight it); GET works.
   */
  @Test
  void aConfigClientIsNotPatchedOverTheApi() throws Exception {
    JsonNode copier = read(route.run(req(HttpMethods.GET, "/api/v1/clients/copier-3", VIEWER))
        .assertStatusCode(200));
    assertEquals("config", copier.get("origin").asText());
    String before = state();
    assertEquals("client copier-3 comes from relay.clients in the configuration file: change it"
        + " there (each node imports its file at start); to stop it now, block it (kind client)",
        problem(route.run(json(HttpMethods.PATCH, "/api/v1/clients/copier-3", ADMIN,
            "{\"state\":\"suspended\"}")), 409));
    assertEquals(before, state(), "nothing changed, not even the audit log");
  }

  @Test
  void blocksAndAuditEndToEnd() {
    String until = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS)
        .toString();
    JsonNode block = read(route.run(json(HttpMethods.POST, "/api/v1/blocks", ADMIN,
        "{\"kind\":\"recipient-domain\",\"value\":\"Closed.Example\",\"reason\":\"gone\","
            + "\"until\":\"" + until + "\"}")).assertStatusCode(201));
    String id = block.get("id").asText();
    assertEquals("closed.example", block.get("value").asText());
    route.run(req(HttpMethods.GET, "/api/v1/blocks/" + id, VIEWER)).assertStatusCode(200);
    problem(route.run(json(HttpMethods.POST, "/api/v1/blocks", ADMIN,
        "{\"kind\":\"ip\",\"value\":\"192.0.2.1\",\"reason\":\"x\",\"until\":\"2001-01-01T00:00:00Z\"}")),
        422);
    route.run(req(HttpMethods.DELETE, "/api/v1/blocks/" + id, ADMIN)).assertStatusCode(204);
    problem(route.run(req(HttpMethods.DELETE, "/api/v1/blocks/" + id, ADMIN)), 404);
    JsonNode audit = read(route.run(req(HttpMethods.GET, "/api/v1/audit?limit=2", VIEWER))
        .assertStatusCode(200));
    assertEquals(2, audit.size());
    assertEquals(id, audit.get(0).get("subject").asText(), audit.toString());
    assertEquals("ops-admin", audit.get(0).get("actor").asText());
  }

  @Test
  void twoHundredMalformedBodiesChangeNothing() throws Exception {
    String before = state();
    String summary = MalformedBodiesTest.refuseAll(route, new MalformedBodies(11).cases(200),
        () -> {
          try {
            assertEquals(before, state());
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    System.out.println("ApiOverRegistryTest (real registry): " + summary
        + "; registry unchanged");
  }
}

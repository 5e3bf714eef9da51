package relay.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.persistence.queue.ShardedQueues;
import relay.persistence.registry.Registry;

/**
 * API tokens across a cluster, over real HTTP: two nodes (two ActorSystems, Artery on
 * 127.0.0.1, one H2 journal file), each serving the API on its own loopback port over its own
 * registry view. A token created on node A authenticates on node B; revoked on node A it is
 * refused on node B within about a second (measured and printed); after both nodes stop and
 * start again the kept token still works on both and the revoked one still does not.
 */
class TokenClusterTest {

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  record Node(ActorTestKit kit, ServerBinding binding) {
    String url(String path) {
      return "http://127.0.0.1:" + binding.localAddress().getPort() + path;
    }

    void stop() {
      binding.unbind().toCompletableFuture().join();
      ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(30), true);
    }
  }

  private Config config() {
    return ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        """).withFallback(ShardedQueues.h2Store(ShardedQueues.journalUrl(dir)))
        .withFallback(ConfigFactory.load());
  }

  private Node start(Optional<Address> seed) throws Exception {
    ActorTestKit kit = ActorTestKit.create("relay", config());
    SchemaUtils.createIfNotExists(kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    Registry registry = Registry.start(kit.system(), java.util.List.of());
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(seed.orElse(cluster.selfMember().address())));
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
    ServerBinding binding = Http.get(kit.system()).newServerAt("127.0.0.1", 0)
        .bind(ApiFixture.route(registry.service(), registry.view()))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new Node(kit, binding);
  }

  private static Address address(Node n) {
    return Cluster.get(n.kit().system()).selfMember().address();
  }

  private HttpResponse<String> send(String method, String url, String token, String body)
      throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token);
    r = body == null ? r.method(method, HttpRequest.BodyPublishers.noBody())
        : r.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Polls GET /api/v1/clients with {@code token} until its status fits; the time it took. */
  private Duration until(Node node, String token, IntPredicate status, Duration max)
      throws Exception {
    long t0 = System.nanoTime();
    int last;
    while (!status.test(last = send("GET", node.url("/api/v1/clients"), token, null)
        .statusCode())) {
      if (System.nanoTime() - t0 > max.toNanos()) {
        throw new AssertionError("still " + last + " after " + max);
      }
      Thread.sleep(5);
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  private JsonNode create(Node node, String body) throws Exception {
    HttpResponse<String> r = send("POST", node.url("/api/v1/tokens"), ApiFixture.ADMIN, body);
    assertEquals(201, r.statusCode(), r.body());
    return ApiJson.mapper().readTree(r.body());
  }

  @Test
  void tokensWorkOnEveryNodeStopWithinASecondAndSurviveAFullRestart() throws Exception {
    Node a = start(Optional.empty());
    Node b = start(Optional.of(address(a)));
    String kept;
    String revoked;
    try {
      kept = create(a, "{\"name\":\"grafana\",\"role\":\"viewer\"}").get("token").asText();
      JsonNode other = create(a, "{\"name\":\"old-script\",\"role\":\"admin\"}");
      revoked = other.get("token").asText();
      assertEquals(200, send("GET", a.url("/api/v1/clients"), kept, null).statusCode(),
          "read-your-writes on node A");
      Duration seen = until(b, kept, s -> s == 200, Duration.ofSeconds(5));
      System.out.println("tokens: created on node A, accepted on node B after "
          + seen.toMillis() + " ms");
      until(b, revoked, s -> s == 200, Duration.ofSeconds(5));

      long t0 = System.nanoTime();
      HttpResponse<String> deleted = send("DELETE", a.url("/api/v1/tokens/"
          + other.get("id").asText()), ApiFixture.ADMIN, null);
      assertEquals(204, deleted.statusCode(), deleted.body());
      Duration answered = Duration.ofNanos(System.nanoTime() - t0);
      assertEquals(401, send("GET", a.url("/api/v1/clients"), revoked, null).statusCode());
      Duration gone = until(b, revoked, s -> s == 401, Duration.ofSeconds(5)).plus(answered);
      System.out.println("tokens: revoked on node A (answered in " + answered.toMillis()
          + " ms), refused on node B " + gone.toMillis() + " ms after the DELETE was sent");
      assertTrue(gone.compareTo(Duration.ofSeconds(2)) < 0, "revocation took " + gone);
    } finally {
      b.stop();
      a.stop();
    }

    long restart = System.nanoTime();
    Node a2 = start(Optional.empty());
    Node b2 = start(Optional.of(address(a2)));
    try {
      until(b2, kept, s -> s == 200, Duration.ofSeconds(30));
      System.out.println("tokens: after a full restart the token works on node B "
          + Duration.ofNanos(System.nanoTime() - restart).toMillis()
          + " ms after the first node started");
      assertEquals(200, send("GET", a2.url("/api/v1/clients"), kept, null).statusCode());
      assertEquals(401, send("GET", a2.url("/api/v1/clients"), revoked, null).statusCode());
      assertEquals(401, send("GET", b2.url("/api/v1/clients"), revoked, null).statusCode());
      JsonNode list = ApiJson.mapper().readTree(send("GET", b2.url("/api/v1/tokens"), kept,
          null).body());
      assertEquals(1, list.get("tokens").size(), list.toString());
      assertEquals("grafana", list.get("tokens").get(0).get("name").asText());
    } finally {
      b2.stop();
      a2.stop();
    }
  }
}

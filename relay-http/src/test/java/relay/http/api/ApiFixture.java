package relay.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.h2.jdbcx.JdbcDataSource;
import relay.http.auth.HashedTokenStore;
import relay.http.auth.Principal;
import relay.http.auth.RegistryTokenStore;
import relay.http.auth.TokenStore;
import relay.http.metrics.LocalQueues;
import relay.http.metrics.MetricsRoutes;
import relay.http.metrics.MetricsScrape;
import relay.http.metrics.MetricsSettings;
import relay.http.metrics.RelayMetrics;
import relay.http.testing.InMemoryNoticeService;
import relay.http.testing.InMemoryBulkNoticeService;
import relay.http.testing.InMemoryQueueService;
import relay.http.testing.InMemoryRegistryService;
import relay.persistence.auth.Argon2Settings;
import relay.persistence.auth.PasswordHasher;
import relay.persistence.auth.Passwords;
import relay.persistence.history.HistoryStore;
import relay.persistence.history.JdbcHistoryReader;
import relay.persistence.registry.ClientId;
import relay.persistence.queue.QueueService;
import relay.persistence.registry.RegistryService;
import relay.persistence.registry.RegistrySnapshot;
import relay.persistence.registry.RegistryView;

/** The API over an in-memory registry with one token per role, and request helpers. */
final class ApiFixture {

  static final String ADMIN = "admin-token-0123456789abcdef";
  static final String VIEWER = "viewer-token-0123456789abcdef";
  static final String BILLING = "billing-token-0123456789abcdef";

  final InMemoryRegistryService registry = new InMemoryRegistryService(Clock.systemUTC());
  /** The message history the fixture's API reads: a fresh H2 database of its own. */
  final HistoryStore history = history();
  final Route route = ApiErrors.seal(Directives.concat(api(registry, history).route(),
      metrics().route()));

  /** Password hashing of the fixture's API: cheap Argon2id parameters, real threads. */
  static final Passwords PASSWORDS = new Passwords(new PasswordHasher(
      new Argon2Settings(64, 1, 1)), 2, 64);

  /** Largest request body of the fixture's API. */
  static final int MAX_BODY = 64 * 1024;

  /** An empty message history, shared by the APIs made without one. */
  private static HistoryStore emptyHistory;

  /** The API over {@code registry} with the three tokens, bodies up to 64 KiB. */
  static Route route(RegistryService registry) {
    return ApiErrors.seal(Directives.concat(api(registry).route(), metrics().route()));
  }

  /** GET /metrics beside the API (no queues), documented by it ({@link ApiRoutes#documenting}). */
  static MetricsRoutes metrics() {
    return new MetricsRoutes(new MetricsScrape(new RelayMetrics(), LocalQueues.NONE), tokens(),
        new MetricsSettings(true, Duration.ofSeconds(1)));
  }

  /** The API over a real registry: its service and this node's view (tokens created over it). */
  static Route route(RegistryService registry, RegistryView view) {
    return ApiErrors.seal(Directives.concat(
        api(registry, view, new InMemoryQueueService(registry), emptyHistory()).route(),
        metrics().route()));
  }

  /** The test double's view; a real registry's view is passed explicitly. */
  private static RegistryView viewOf(RegistryService registry) {
    return registry instanceof InMemoryRegistryService r ? r.view() : () -> RegistrySnapshot.EMPTY;
  }

  /**
   * The whole API as route tests see it. A resource whose backend is not the registry is added
   * HERE with {@code .with(new XRoutes(test double))}: then OpenApiTest and EndpointAccessTest
   * cover its endpoints too.
   */
  static ApiRoutes api(RegistryService registry) {
    return api(registry, new InMemoryQueueService(registry));
  }

  static ApiRoutes api(RegistryService registry, QueueService queues) {
    return api(registry, queues, emptyHistory());
  }

  private static synchronized HistoryStore emptyHistory() {
    if (emptyHistory == null) {
      emptyHistory = history();
    }
    return emptyHistory;
  }

  /** The whole API, its message history read from {@code history} (on the caller's thread). */
  static ApiRoutes api(RegistryService registry, HistoryStore history) {
    return api(registry, new InMemoryQueueService(registry), history);
  }

  static ApiRoutes api(RegistryService registry, QueueService queues, HistoryStore history) {
    return api(registry, viewOf(registry), queues, history);
  }

  /**
   * The whole API; tokens are the three fixed ones and those {@code view} holds (the tokens
   * created over the API).
   */
  static ApiRoutes api(RegistryService registry, RegistryView view, QueueService queues,
      HistoryStore history) {
    return new ApiRoutes(registry, TokenStore.all(tokens(), new RegistryTokenStore(view)),
        new ApiSettings(Optional.empty(), MAX_BODY, 100))
        .with(new QueueRoutes(queues))
        .with(new MessageRoutes(new JdbcHistoryReader(history, Runnable::run)))
        .with(new AnnouncementRoutes(new InMemoryNoticeService(registry)))
        .with(new BulkNoticeRoutes(new InMemoryBulkNoticeService(registry, Clock.systemUTC()),
            registry))
        .with(new CredentialRoutes(registry, PASSWORDS))
        .documenting(MetricsRoutes.ENDPOINT);
  }

  /** A real history store on a fresh in-memory H2 database (kept until the JVM ends). */
  static HistoryStore history() {
    try {
      return new HistoryStore(h2());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh in-memory H2 database (kept until the JVM ends). */
  static JdbcDataSource h2() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:api-history-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    h2.setUser("sa");
    return h2;
  }

  /** ADMIN (ops-admin), VIEWER (ops-viewer), BILLING (client token of client "billing"). */
  static HashedTokenStore tokens() {
    return new HashedTokenStore()
        .add(ADMIN, Principal.admin("ops-admin"))
        .add(VIEWER, Principal.viewer("ops-viewer"))
        .add(BILLING, Principal.client("billing-app", new ClientId("billing")));
  }

  static HttpRequest req(HttpMethod method, String path, String token) {
    HttpRequest r = HttpRequest.create(path).withMethod(method);
    return token == null ? r : r.addHeader(Authorization.oauth2(token));
  }

  static HttpRequest json(HttpMethod method, String path, String token, String body) {
    return json(method, path, token, body, ContentTypes.APPLICATION_JSON);
  }

  static HttpRequest json(HttpMethod method, String path, String token, String body,
      ContentType type) {
    return req(method, path, token).withEntity(type,
        body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A client body; {@code extra} is spliced in as more fields (",\"x\":1"). */
  static String client(String id, String ip, String extra) {
    return "{\"id\":\"" + id + "\",\"name\":\"" + id + " app\",\"contacts\":[\"ops@" + id
        + ".example\"],\"addresses\":[{\"ip\":\"" + ip + "\",\"role\":\"production\"}]"
        + extra + "}";
  }

  /** Asserts a problem+json of {@code status} and returns its detail. */
  static String problem(TestRouteResult result, int status) {
    assertEquals(status, result.statusCode(), result.entityString());
    assertEquals("application/problem+json", result.contentType().mediaType().toString(),
        result.entityString());
    JsonNode body = read(result);
    assertEquals(status, body.get("status").asInt());
    assertEquals("about:blank", body.get("type").asText());
    assertTrue(body.hasNonNull("title") && body.hasNonNull("detail"), body.toString());
    return body.get("detail").asText();
  }

  static JsonNode read(TestRouteResult result) {
    try {
      return ApiJson.mapper().readTree(result.entityString());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + result.entityString(), e);
    }
  }
}

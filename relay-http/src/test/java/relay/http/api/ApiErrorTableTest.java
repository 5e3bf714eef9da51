package relay.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.http.api.ApiFixture.ADMIN;
import static relay.http.api.ApiFixture.BILLING;
import static relay.http.api.ApiFixture.VIEWER;
import static relay.http.api.ApiFixture.client;
import static relay.http.api.ApiFixture.json;
import static relay.http.api.ApiFixture.req;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.Test;
import relay.http.auth.Role;

/**
 * Every route x every 4xx it documents, as a table: the rows each endpoint's shape gives (401
 * without a token; 403 for each role or other client its Access refuses; 400 malformed JSON, 415
 * wrong media type and 413 too large for a body) are generated from the declarations, and
 * {@link #byHand} holds the rest (404 for an id that names nothing, 409, 422, bad query values,
 * 403 from a handler). Each row must answer its status as a problem+json, no row may change the
 * registry, and every 4xx an endpoint documents (OpenApiDocument.errorStatuses) must have a
 * row: a new route fails here until its rows are added to {@link #byHand}.
 */
class ApiErrorTableTest extends ApiRouteTest {

  private record Row(String endpoint, String why, HttpRequest request, int status) {}

  private static Row row(String endpoint, String why, HttpRequest request, int status) {
    return new Row(endpoint, why, request, status);
  }

  private static final String NEW_CLIENT = client("third", "192.0.2.30", "");

  /** Rows the shape does not give. Add the rows of a new route here. */
  private static List<Row> byHand() {
    String q = "/api/v1/queues";
    List<Row> rows = new ArrayList<>(List.of(
        row("POST /api/v1/clients", "id exists", json(HttpMethods.POST, "/api/v1/clients", ADMIN,
            client("billing", "192.0.2.99", "")), 409),
        row("POST /api/v1/clients", "a range", json(HttpMethods.POST, "/api/v1/clients", ADMIN,
            client("other", "10.0.0.0/8", "")), 422),
        row("GET /api/v1/clients/{id}", "unknown", req(HttpMethods.GET, "/api/v1/clients/nobody",
            ADMIN), 404),
        row("PATCH /api/v1/clients/{id}", "unknown", json(HttpMethods.PATCH,
            "/api/v1/clients/nobody", ADMIN, "{}"), 404),
        row("PATCH /api/v1/clients/{id}", "address of another", json(HttpMethods.PATCH,
            "/api/v1/clients/billing", ADMIN,
            "{\"addresses\":[{\"ip\":\"192.0.2.20\",\"role\":\"production\"}]}"), 409),
        row("PATCH /api/v1/clients/{id}", "bad state", json(HttpMethods.PATCH,
            "/api/v1/clients/billing", ADMIN, "{\"state\":\"asleep\"}"), 422),
        row("DELETE /api/v1/clients/{id}", "unknown", req(HttpMethods.DELETE,
            "/api/v1/clients/nobody", ADMIN), 404),
        row("POST /api/v1/blocks", "a range", json(HttpMethods.POST, "/api/v1/blocks", ADMIN,
            "{\"kind\":\"ip\",\"value\":\"10.0.0.0/8\",\"reason\":\"x\"}"), 422),
        row("GET /api/v1/blocks/{id}", "unknown", req(HttpMethods.GET, "/api/v1/blocks/b99",
            ADMIN), 404),
        row("DELETE /api/v1/blocks/{id}", "unknown", req(HttpMethods.DELETE,
            "/api/v1/blocks/b99", ADMIN), 404),
        row("GET /api/v1/audit", "limit 0", req(HttpMethods.GET, "/api/v1/audit?limit=0", ADMIN),
            400),
        row("POST /api/v1/tokens", "name in use", json(HttpMethods.POST, "/api/v1/tokens", ADMIN,
            "{\"name\":\"seeded\",\"role\":\"viewer\"}"), 409),
        row("POST /api/v1/tokens", "unknown client", json(HttpMethods.POST, "/api/v1/tokens",
            ADMIN, "{\"name\":\"x\",\"role\":\"client\",\"client\":\"nobody\"}"), 422),
        row("GET /api/v1/tokens/{id}", "unknown", req(HttpMethods.GET, "/api/v1/tokens/t99",
            ADMIN), 404),
        row("DELETE /api/v1/tokens/{id}", "unknown", req(HttpMethods.DELETE,
            "/api/v1/tokens/t99", ADMIN), 404),
        row("GET " + q + "/{domain}", "limit not a number", req(HttpMethods.GET,
            q + "/example.com?limit=abc", ADMIN), 400),
        row("GET " + q + "/{domain}", "no queue", req(HttpMethods.GET, q + "/nowhere.example",
            ADMIN), 404),
        row("POST " + q + "/{domain}/suspend", "not a domain", req(HttpMethods.POST,
            q + "/not_a_domain/suspend", ADMIN), 422),
        row("GET /api/v1/messages", "limit not a number", req(HttpMethods.GET,
            "/api/v1/messages?limit=abc", ADMIN), 400),
        row("GET /api/v1/messages", "another client's", req(HttpMethods.GET,
            "/api/v1/messages?client=payroll", BILLING), 403),
        row("GET /api/v1/messages/{id}", "unknown", req(HttpMethods.GET,
            "/api/v1/messages/nothing-here", ADMIN), 404),
        row("POST /api/v1/announcements", "unknown client", json(HttpMethods.POST,
            "/api/v1/announcements", ADMIN, "{\"subject\":\"maintenance\",\"body\":\"x\","
                + "\"clients\":[\"nobody\"]}"), 422),
        row("POST /api/v1/clients/{id}/bulk-notices", "no expectedRecipients", json(
            HttpMethods.POST, "/api/v1/clients/billing/bulk-notices", ADMIN,
            "{\"from\":\"2030-01-01T00:00:00Z\",\"until\":\"2030-01-02T00:00:00Z\"}"), 422)));
    String k = "/api/v1/clients/{id}/credentials";
    rows.addAll(List.of(
        row("POST " + k, "unknown client", json(HttpMethods.POST,
            "/api/v1/clients/nobody/credentials", ADMIN, "{}"), 404),
        row("POST " + k, "username taken", json(HttpMethods.POST,
            "/api/v1/clients/" + ApiProbe.OWN + "/credentials", ADMIN,
            "{\"username\":\"SEEDED-user\"}"), 409),
        row("POST " + k, "username with a space", json(HttpMethods.POST,
            "/api/v1/clients/" + ApiProbe.OWN + "/credentials", ADMIN,
            "{\"username\":\"two words\"}"), 422),
        row("POST " + k, "expires in the past", json(HttpMethods.POST,
            "/api/v1/clients/" + ApiProbe.OWN + "/credentials", ADMIN,
            "{\"expires\":\"2020-01-01T00:00:00Z\"}"), 422),
        row("GET " + k, "unknown client", req(HttpMethods.GET,
            "/api/v1/clients/nobody/credentials", ADMIN), 404),
        row("DELETE " + k + "/{credentialId}", "unknown credential", req(HttpMethods.DELETE,
            "/api/v1/clients/" + ApiProbe.OWN + "/credentials/c99", ADMIN), 404),
        row("DELETE " + k + "/{credentialId}", "another client's", req(HttpMethods.DELETE,
            "/api/v1/clients/" + ApiProbe.OTHER + "/credentials/c1", ADMIN), 404)));
    for (String action : List.of("resume", "retry", "bounce")) {
      rows.add(row("POST " + q + "/{domain}/" + action, "no queue", req(HttpMethods.POST,
          q + "/nowhere.example/" + action, ADMIN), 404));
    }
    return rows;
  }

  /** The rows every endpoint's declaration gives. */
  private static List<Row> fromShapes(List<Endpoint> endpoints) {
    List<Row> rows = new ArrayList<>();
    for (Endpoint e : endpoints) {
      rows.add(row(e.key(), "no token", ApiProbe.request(e, null, Map.of()), 401));
      if (!e.access().roles().contains(Role.VIEWER)) {
        rows.add(row(e.key(), "viewer", ApiProbe.request(e, VIEWER, Map.of()), 403));
      }
      if (!e.access().roles().contains(Role.CLIENT)) {
        rows.add(row(e.key(), "client token", ApiProbe.request(e, BILLING, Map.of()), 403));
      }
      e.access().clientParam().ifPresent(p -> rows.add(row(e.key(), "another client",
          ApiProbe.request(e, BILLING, Map.of(p, ApiProbe.OTHER)), 403)));
      if (e.body().isPresent()) {
        HttpRequest bare = ApiProbe.request(e.method(), ApiProbe.path(e.path(), Map.of()), false,
            ADMIN);
        rows.add(row(e.key(), "malformed JSON", bare.withEntity(ContentTypes.APPLICATION_JSON,
            "{\"name\":"), 400));
        rows.add(row(e.key(), "text/plain", bare.withEntity(ContentTypes.TEXT_PLAIN_UTF8,
            "name=x"), 415));
        rows.add(row(e.key(), "too large", bare.withEntity(ContentTypes.APPLICATION_JSON,
            "{\"name\":\"" + "x".repeat(ApiFixture.MAX_BODY) + "\"}"), 413));
      }
    }
    return rows;
  }

  @Test
  void everyRouteAnswersEachOfItsErrorsAsAProblem() {
    route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN,
        client(ApiProbe.OWN, "192.0.2.10", ""))).assertStatusCode(201);
    route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN,
        client(ApiProbe.OTHER, "192.0.2.20", ""))).assertStatusCode(201);
    route.run(json(HttpMethods.POST, "/api/v1/tokens", ADMIN,
        "{\"name\":\"seeded\",\"role\":\"viewer\"}")).assertStatusCode(201);
    route.run(json(HttpMethods.POST, "/api/v1/clients/" + ApiProbe.OWN + "/credentials", ADMIN,
        "{\"username\":\"seeded-user\"}")).assertStatusCode(201);
    long changes = api.registry.changes();
    String state = api.registry.state();

    List<Endpoint> endpoints = ApiFixture.api(api.registry).endpoints();
    List<Row> rows = new ArrayList<>(fromShapes(endpoints));
    rows.addAll(byHand());
    List<String> wrong = new ArrayList<>();
    Map<String, Set<Integer>> covered = new java.util.HashMap<>();
    for (Row r : rows) {
      Endpoint e = endpoints.stream().filter(x -> x.key().equals(r.endpoint())).findFirst()
          .orElseThrow(() -> new AssertionError("a row names no endpoint: " + r.endpoint()));
      String path = r.request().getUri().path();
      assertTrue(e.method().equals(r.request().method()) && Pattern.matches(
          e.path().replaceAll("\\{[^}]+}", "[^/]+"), path), r + " is not a call of " + e.key());
      TestRouteResult result = route.run(r.request());
      if (result.statusCode() != r.status()) {
        wrong.add(r.endpoint() + " (" + r.why() + "): expected " + r.status() + ", got "
            + result.statusCode() + " " + result.entityString());
        continue;
      }
      ApiFixture.problem(result, r.status());
      covered.computeIfAbsent(r.endpoint(), k -> new TreeSet<>()).add(r.status());
    }
    assertEquals(List.of(), wrong);
    assertEquals(changes, api.registry.changes(), "a refused request changed the registry");
    assertEquals(state, api.registry.state());

    List<String> missing = new ArrayList<>();
    for (Endpoint e : endpoints) {
      Set<Integer> needed = new TreeSet<>(OpenApiDocument.errorStatuses(e));
      needed.removeIf(s -> s >= 500);
      needed.removeAll(covered.getOrDefault(e.key(), Set.of()));
      if (!needed.isEmpty()) {
        missing.add(e.key() + " documents " + needed + " but no row produces it");
      }
    }
    assertEquals(List.of(), missing, "add rows to ApiErrorTableTest.byHand");
    System.out.println("ApiErrorTableTest: " + rows.size() + " rows over " + endpoints.size()
        + " endpoints, every documented 4xx produced");
  }
}

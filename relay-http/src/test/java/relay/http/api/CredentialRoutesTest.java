package relay.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.http.api.ApiFixture.ADMIN;
import static relay.http.api.ApiFixture.BILLING;
import static relay.http.api.ApiFixture.VIEWER;
import static relay.http.api.ApiFixture.json;
import static relay.http.api.ApiFixture.problem;
import static relay.http.api.ApiFixture.read;
import static relay.http.api.ApiFixture.req;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import relay.http.auth.TokenStore;
import relay.persistence.auth.Argon2Settings;
import relay.persistence.auth.PasswordHasher;
import relay.persistence.auth.Passwords;
import relay.persistence.registry.AuditEntry;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.Credential;
import relay.persistence.registry.RegistryResult;

/**
 * /api/v1/clients/{id}/credentials over the in-memory registry: the generated password is in
 * the 201 only and verifies against the Argon2id hash the registry got (which no answer shows);
 * lists for admin, viewer and the client's own token; DELETE 204 then 404; refusals (404, 409,
 * 422, 403) change nothing; a saturated hasher answers 503 and changes nothing.
 */
class CredentialRoutesTest extends ApiRouteTest {

  static final String PATH = "/api/v1/clients/billing/credentials";

  @BeforeEach
  void clients() {
    billingAndPayroll();
  }

  private JsonNode created(String body) {
    TestRouteResult r = route.run(body == null ? req(HttpMethods.POST, PATH, ADMIN)
        : json(HttpMethods.POST, PATH, ADMIN, body));
    r.assertStatusCode(201);
    return read(r);
  }

  private List<Credential> stored() {
    return ((RegistryResult.Ok<List<Credential>>) api.registry.credentials(
        ClientId.of("billing")).toCompletableFuture().join()).value();
  }

  @Test
  void aPasswordIsShownOnceAndOnlyItsHashIsKept() {
    JsonNode c = created("{\"username\":\"Billing-Web\",\"note\":\"the web shop\","
        + "\"expires\":\"2099-01-01T00:00:00Z\"}");
    String password = c.get("password").asText();
    assertTrue(password.matches("[A-Za-z0-9_-]{32}"), c.toString());
    assertEquals("c1", c.get("id").asText());
    assertEquals("billing", c.get("client").asText());
    assertEquals("Billing-Web", c.get("username").asText());
    assertEquals("the web shop", c.get("note").asText());
    assertEquals("2099-01-01T00:00:00Z", c.get("expires").asText());
    assertEquals("ops-admin", c.get("createdBy").asText());
    assertFalse(c.has("hash"), c.toString());

    Credential kept = stored().get(0);
    assertTrue(kept.hash().startsWith("$argon2id$v=19$m=64,t=1,p=1$"), kept.hash());
    assertTrue(new PasswordHasher(Argon2Settings.OWASP).verify(password, kept.hash()));
    assertFalse(api.registry.state().contains(password), "the password is not kept");

    // an empty body and {} are both a credential named after the client
    assertEquals("billing", created(null).get("username").asText());
    assertEquals("billing-c3", created("{}").get("username").asText());

    for (String token : List.of(ADMIN, VIEWER, BILLING)) {
      TestRouteResult list = route.run(req(HttpMethods.GET, PATH, token));
      list.assertStatusCode(200);
      JsonNode all = read(list).get("credentials");
      assertEquals(3, all.size(), all.toString());
      assertEquals("Billing-Web", all.get(0).get("username").asText());
      assertFalse(list.entityString().contains("argon2") || list.entityString().contains(
          password) || all.get(0).has("password"), list.entityString());
    }
    List<AuditEntry> audit = ((RegistryResult.Ok<List<AuditEntry>>) api.registry.audit(3)
        .toCompletableFuture().join()).value();
    assertEquals(List.of("credential-added", "credential-added", "credential-added"),
        audit.stream().map(AuditEntry::action).toList());
  }

  @Test
  void deletedOnceThen404() {
    created("{}");
    route.run(req(HttpMethods.DELETE, PATH + "/c1", ADMIN)).assertStatusCode(204);
    assertEquals(List.of(), stored());
    problem(route.run(req(HttpMethods.DELETE, PATH + "/c1", ADMIN)), 404);
    assertEquals(0, read(route.run(req(HttpMethods.GET, PATH, ADMIN))).get("credentials")
        .size());
  }

  @Test
  void refusalsChangeNothing() {
    created("{\"username\":\"web\"}");
    long changes = api.registry.changes();
    String state = api.registry.state();
    assertEquals("username 'WEB' is taken", problem(route.run(json(HttpMethods.POST,
        "/api/v1/clients/payroll/credentials", ADMIN, "{\"username\":\"WEB\"}")), 409));
    assertEquals("username: longer than 64 characters", problem(route.run(json(
        HttpMethods.POST, PATH, ADMIN, "{\"username\":\"" + "u".repeat(65) + "\"}")), 422));
    assertEquals("note: contains a control character", problem(route.run(json(
        HttpMethods.POST, PATH, ADMIN, "{\"note\":\"a\\u0007b\"}")), 422));
    assertEquals("no client nobody", problem(route.run(json(HttpMethods.POST,
        "/api/v1/clients/nobody/credentials", ADMIN, "{}")), 404));
    problem(route.run(json(HttpMethods.POST, "/api/v1/clients/NOT_AN_ID/credentials", ADMIN,
        "{}")), 404);
    problem(route.run(json(HttpMethods.POST, PATH, ADMIN, "{\"username\":")), 400);
    problem(route.run(json(HttpMethods.POST, PATH, BILLING, "{}")), 403);
    problem(route.run(json(HttpMethods.POST, PATH, VIEWER, "{}")), 403);
    problem(route.run(req(HttpMethods.DELETE, PATH + "/c1", BILLING)), 403);
    problem(route.run(req(HttpMethods.GET, "/api/v1/clients/payroll/credentials", BILLING)),
        403);
    problem(route.run(req(HttpMethods.DELETE, "/api/v1/clients/payroll/credentials/c1", ADMIN)),
        404);
    assertEquals(changes, api.registry.changes());
    assertEquals(state, api.registry.state());
  }

  @Test
  void aSaturatedHasherIs503AndChangesNothing() throws Exception {
    // one thread, a queue of one, and hashes of about a second each (64 MiB, 8 passes)
    try (Passwords one = new Passwords(new PasswordHasher(new Argon2Settings(65536, 8, 1)), 1,
        1)) {
      TestRoute busy = testRoute(ApiErrors.seal(Directives.concat(new ApiRoutes(api.registry,
          TokenStore.all(ApiFixture.tokens()), new ApiSettings(java.util.Optional.empty(),
              ApiFixture.MAX_BODY, 100)).with(new CredentialRoutes(api.registry, one))
          .route())));
      CompletableFuture<String> hashing = one.hash("x").toCompletableFuture();
      CompletableFuture<String> waiting = one.hash("y").toCompletableFuture();
      assertEquals(1, one.queued());
      long changes = api.registry.changes();
      assertTrue(problem(busy.run(json(HttpMethods.POST, PATH, ADMIN, "{}")), 503)
          .contains("busy"));
      assertEquals(changes, api.registry.changes());
      waiting.get(30, TimeUnit.SECONDS);
      assertTrue(hashing.isDone());
    }
  }
}

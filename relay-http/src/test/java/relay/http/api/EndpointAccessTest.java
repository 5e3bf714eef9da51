package relay.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.http.api.ApiFixture.ADMIN;
import static relay.http.api.ApiFixture.BILLING;
import static relay.http.api.ApiFixture.VIEWER;
import static relay.http.api.ApiFixture.client;
import static relay.http.api.ApiFixture.json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.Test;
import relay.http.auth.Role;

/**
 * Every declared endpoint x every caller, from the declarations (so a route another resource
 * adds is covered once it is in ApiFixture.api): no token 401 (with the Bearer challenge), an
 * unknown token 401, a role its Access does not admit 403, a client token on another client's
 * resource 403, an admitted caller neither 401 nor 403. Refused calls change nothing.
 */
class EndpointAccessTest extends ApiRouteTest {

  private record Caller(String name, String token, Role role, String client) {}

  @Test
  void everyEndpointTimesEveryRole() {
    route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN,
        client(ApiProbe.OWN, "192.0.2.10", ""))).assertStatusCode(201);
    route.run(json(HttpMethods.POST, "/api/v1/clients", ADMIN,
        client(ApiProbe.OTHER, "192.0.2.20", ""))).assertStatusCode(201);
    List<Caller> callers = List.of(
        new Caller("no token", null, null, null),
        new Caller("unknown token", "not-a-token-0123456789", null, null),
        new Caller("viewer", VIEWER, Role.VIEWER, null),
        new Caller("client, own", BILLING, Role.CLIENT, ApiProbe.OWN),
        new Caller("client, other", BILLING, Role.CLIENT, ApiProbe.OTHER),
        new Caller("admin", ADMIN, Role.ADMIN, null));
    List<String> wrong = new ArrayList<>();
    int cases = 0;
    for (Caller c : callers) {
      for (Endpoint e : ApiFixture.api(api.registry).endpoints()) {
        if (c.client() != null && e.access().clientParam().isEmpty()
            && c.client().equals(ApiProbe.OTHER)) {
          continue; // no client in the path: "other" is the same call as "own"
        }
        Map<String, String> values = e.access().clientParam()
            .map(p -> Map.of(p, c.client() == null ? ApiProbe.OWN : c.client())).orElse(Map.of());
        long before = api.registry.changes();
        TestRouteResult r = route.run(ApiProbe.request(e, c.token(), values));
        cases++;
        int expected;
        if (c.role() == null) {
          expected = 401;
        } else if (!e.access().roles().contains(c.role())
            || c.role() == Role.CLIENT && e.access().clientParam().isPresent()
                && !c.client().equals(ApiProbe.OWN)) {
          expected = 403;
        } else {
          expected = 0;
        }
        int got = r.statusCode();
        String call = c.name() + " " + e.method().value() + " "
            + ApiProbe.path(e.path(), values) + ": " + got + " " + r.entityString();
        if (expected == 0 ? got == 401 || got == 403 : got != expected) {
          wrong.add((expected == 0 ? "admitted, got " : "expected " + expected + ", ") + call);
        } else if (expected != 0) {
          ApiFixture.problem(r, expected);
          if (expected == 401) {
            assertTrue(r.response().getHeader("WWW-Authenticate").isPresent(), call);
          }
          assertEquals(before, api.registry.changes(), "a refused call changed something: " + call);
        }
      }
    }
    assertEquals(List.of(), wrong);
    System.out.println("EndpointAccessTest: " + cases + " endpoint x caller cases");
  }
}

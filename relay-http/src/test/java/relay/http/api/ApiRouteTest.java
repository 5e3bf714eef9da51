package relay.http.api;

import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.junit.jupiter.api.BeforeEach;
import relay.http.testing.JUnit5RouteTest;

/** A route test of the API: a fresh {@link ApiFixture} (in-memory registry) for each test. */
abstract class ApiRouteTest extends JUnit5RouteTest {

  protected ApiFixture api;
  protected TestRoute route;

  @BeforeEach
  final void freshApi() {
    api = new ApiFixture();
    route = testRoute(api.route);
  }

  /** Registers the clients billing (192.0.2.10) and payroll (192.0.2.20) as ADMIN. */
  protected final void billingAndPayroll() {
    for (String[] c : new String[][] {{"billing", "192.0.2.10"}, {"payroll", "192.0.2.20"}}) {
      route.run(ApiFixture.json(org.apache.pekko.http.javadsl.model.HttpMethods.POST,
          "/api/v1/clients", ApiFixture.ADMIN, ApiFixture.client(c[0], c[1], "")))
          .assertStatusCode(201);
    }
  }
}

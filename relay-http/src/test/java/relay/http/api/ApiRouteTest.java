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
}

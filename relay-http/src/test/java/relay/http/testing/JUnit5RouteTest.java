package relay.http.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.RouteTest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SystemMaterializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import scala.concurrent.Future;

/**
 * Pekko HTTP's route test kit for JUnit 5. pekko-http-testkit ships only JUnitRouteTest, which
 * is JUnit 4 (a @Rule, org.junit.Assert); this extends the abstract {@link RouteTest} instead
 * (PEKKO-NOTES §5): one ActorSystem per test class, started before the first test and
 * terminated after the last, and the kit's assertions ({@code assertStatusCode},
 * {@code assertEntity}...) reported through JUnit 5 so that a failure is an
 * AssertionFailedError with the kit's message. Use {@code testRoute(route).run(request)}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class JUnit5RouteTest extends RouteTest {

  private ActorSystem system;

  /** Extra configuration for the test's ActorSystem; none by default. */
  protected Config additionalConfig() {
    return ConfigFactory.empty();
  }

  @BeforeAll
  final void startRouteTestSystem() {
    system = ActorSystem.create(getClass().getSimpleName(),
        additionalConfig().withFallback(ConfigFactory.load()));
  }

  @AfterAll
  final void stopRouteTestSystem() throws Exception {
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(Duration.ofSeconds(30).toSeconds(),
          java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Override
  public ActorSystem system() {
    return system;
  }

  @Override
  public Materializer materializer() {
    return SystemMaterializer.get(system).materializer();
  }

  @Override
  public TestRouteResult createTestRouteResultAsync(HttpRequest request,
      Future<RouteResult> result) {
    return new TestRouteResult(result, awaitDuration(), system.dispatcher(), materializer()) {
      @Override
      public void fail(String message) {
        Assertions.fail(message);
      }

      @Override
      public void assertEquals(Object expected, Object actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertEquals(int expected, int actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertTrue(boolean predicate, String message) {
        Assertions.assertTrue(predicate, message);
      }
    };
  }
}

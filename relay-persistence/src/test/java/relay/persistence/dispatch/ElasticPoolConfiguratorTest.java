package relay.persistence.dispatch;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.Test;

/** The elastic pool's bounds: an error names the dispatcher's full key. */
class ElasticPoolConfiguratorTest {

  static String refusal(String bad) {
    ActorTestKit kit = ActorTestKit.create(ConfigFactory.parseString(bad)
        .withFallback(ConfigFactory.load()));
    try {
      Throwable t = assertThrows(Exception.class, () -> kit.system().dispatchers()
          .lookup(DispatcherSelector.fromConfig("relay.delivery-dispatcher")));
      StringBuilder messages = new StringBuilder();
      for (; t != null; t = t.getCause()) {
        messages.append(t.getMessage()).append(" | ");
      }
      return messages.toString();
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void maxThreadsAndKeepAliveOutsideTheirBoundsNameTheFullKey() {
    String m = refusal("relay.delivery-dispatcher.elastic-pool.max-threads = 0");
    assertTrue(m.contains(
        "relay.delivery-dispatcher.elastic-pool.max-threads = 0 is outside 1 .. 10000"), m);
    m = refusal("relay.delivery-dispatcher.elastic-pool.keep-alive = 2h");
    assertTrue(m.contains("relay.delivery-dispatcher.elastic-pool.keep-alive = PT2H is outside"), m);
  }
}

package relay.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * Starts one relay node: {@code java -Dconfig.file=relay.conf -jar relay-node.jar}. SIGTERM runs
 * the graceful shutdown (stop accepting, 421 4.3.2 to open sessions, drain deliveries); the process
 * exits when it is done.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    Config config = ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = on")
        .withFallback(RelayConfig.load());
    try {
      RelayNode node = RelayNode.start(config);
      node.awaitTermination();
    } catch (Exception e) {
      System.err.println("relay: cannot start: " + e.getMessage());
      e.printStackTrace();
      System.exit(1);
    }
  }
}

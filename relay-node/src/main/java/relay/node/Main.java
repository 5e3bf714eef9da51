package relay.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * Starts one relay node: {@code java -Dconfig.file=relay.conf -jar relay-node.jar}. SIGTERM runs
 * the graceful shutdown (stop accepting, 421 4.3.2 to open sessions, drain deliveries); the process
 * exits when it is done.
 */
public final class Main {

  /**
   * The common pool's parallelism when the command line does not set it. Pekko's Java API hands
   * out CompletionStages (every ask) whose dependent stages run asynchronously on the common
   * pool; with fewer than 3 cores its default parallelism is 1, and then the JDK starts a new
   * thread for every such callback instead.
   */
  static final String COMMON_POOL_PARALLELISM = "4";

  /**
   * dnsjava closes its resolver networking in a JVM shutdown hook of its own, which runs while
   * the graceful shutdown still delivers mail; the node closes it last instead.
   */
  static final String DNSJAVA_SHUTDOWN_HOOK = "dnsjava.nio.register_shutdown_hook";

  private Main() {}

  public static void main(String[] args) {
    if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
      System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism",
          COMMON_POOL_PARALLELISM);
    }
    if (System.getProperty(DNSJAVA_SHUTDOWN_HOOK) == null) {
      System.setProperty(DNSJAVA_SHUTDOWN_HOOK, "false");
    }
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

package relay.http.metrics;

import com.typesafe.config.Config;
import java.time.Duration;
import relay.protocol.settings.Bounds;

/**
 * The settings of {@code GET /metrics} (relay.http.metrics in relay-http's reference.conf), read
 * once at start.
 *
 * @param requireToken whether a scrape needs a bearer token of role admin or viewer
 * @param queueTimeout how long a scrape waits for each of this node's queues
 */
public record MetricsSettings(boolean requireToken, Duration queueTimeout) {

  public MetricsSettings {
    Bounds.within("relay.http.metrics.queue-timeout", queueTimeout, Duration.ofMillis(10),
        Duration.ofSeconds(30));
  }

  public static MetricsSettings fromConfig(Config config) {
    Config metrics = config.getConfig("relay.http.metrics");
    return new MetricsSettings(metrics.getBoolean("require-token"),
        metrics.getDuration("queue-timeout"));
  }
}

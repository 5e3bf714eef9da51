package relay.persistence.queue;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Batching of enqueues per domain by {@link QueueGateway} (keys under {@code relay.queue.gateway}).
 *
 * @param maxBatchSize messages per {@code EnqueueBatch} (one journal write)
 * @param maxBacklog enqueues waiting per domain behind the batch in flight
 * @param askTimeout how long to wait for a batch to be persisted
 */
public record GatewaySettings(int maxBatchSize, int maxBacklog, Duration askTimeout) {

  public GatewaySettings {
    SettingsChecks.positive("gateway.max-batch-size", maxBatchSize, 1, 10_000);
    SettingsChecks.positive("gateway.max-backlog", maxBacklog, 1, 1_000_000);
    SettingsChecks.check("gateway.ask-timeout", askTimeout, Duration.ofMillis(10), Duration.ofMinutes(5));
  }

  public static GatewaySettings fromConfig(Config gateway) {
    return new GatewaySettings(gateway.getInt("max-batch-size"), gateway.getInt("max-backlog"),
        gateway.getDuration("ask-timeout"));
  }
}

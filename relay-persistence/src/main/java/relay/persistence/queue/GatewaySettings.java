package relay.persistence.queue;

import com.typesafe.config.Config;
import java.time.Duration;
import relay.protocol.settings.Bounds;

/**
 * Batching and re-sending of enqueues by {@link QueueGateway} (keys under {@code
 * relay.queue.gateway}).
 *
 * @param maxBatchSize messages per {@link DeliveryQueue.Enqueue} (one journal write)
 * @param maxBacklog enqueues waiting per queue behind the batch in flight
 * @param askTimeout how long one send of a batch waits for the queue's reply
 * @param acceptDeadline how long a batch is sent again while no reply comes; then its outcome
 *     is {@link EnqueueOutcome.Unknown}
 */
public record GatewaySettings(int maxBatchSize, int maxBacklog, Duration askTimeout,
    Duration acceptDeadline) {

  public GatewaySettings {
    Bounds.within(QueueSettings.key("gateway.max-batch-size"), maxBatchSize, 1, 10_000);
    Bounds.within(QueueSettings.key("gateway.max-backlog"), maxBacklog, 1, 1_000_000);
    Bounds.within(QueueSettings.key("gateway.ask-timeout"), askTimeout, Duration.ofMillis(10),
        Duration.ofMinutes(5));
    Bounds.within(QueueSettings.key("gateway.accept-deadline"), acceptDeadline,
        Duration.ofMillis(10), Duration.ofMinutes(5));
  }

  public static GatewaySettings fromConfig(Config gateway) {
    return new GatewaySettings(gateway.getInt("max-batch-size"), gateway.getInt("max-backlog"),
        gateway.getDuration("ask-timeout"), gateway.getDuration("accept-deadline"));
  }
}

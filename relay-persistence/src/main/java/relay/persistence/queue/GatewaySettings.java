package relay.persistence.queue;

import com.typesafe.config.Config;
import java.time.Duration;
import relay.protocol.settings.Bounds;

/**
 * Batching of enqueues per domain by {@link QueueGateway} (keys under {@code relay.queue.gateway}).
 *
 * @param maxBatchSize messages per {@code EnqueueBatch} (one journal write)
 * @param maxBacklog enqueues waiting per domain behind the batch in flight
 * @param askTimeout how long to wait for one attempt at persisting a batch
 * @param askAttempts attempts per batch; a batch that timed out is sent again (the queue skips
 *     messages it already holds, so a repeat never queues a message twice)
 */
public record GatewaySettings(int maxBatchSize, int maxBacklog, Duration askTimeout,
    int askAttempts) {

  public GatewaySettings {
    Bounds.within(QueueSettings.key("gateway.max-batch-size"), maxBatchSize, 1, 10_000);
    Bounds.within(QueueSettings.key("gateway.max-backlog"), maxBacklog, 1, 1_000_000);
    Bounds.within(QueueSettings.key("gateway.ask-timeout"), askTimeout, Duration.ofMillis(10),
        Duration.ofMinutes(5));
    Bounds.within(QueueSettings.key("gateway.ask-attempts"), askAttempts, 1, 100);
  }

  /** One attempt per batch. */
  public GatewaySettings(int maxBatchSize, int maxBacklog, Duration askTimeout) {
    this(maxBatchSize, maxBacklog, askTimeout, 1);
  }

  public static GatewaySettings fromConfig(Config gateway) {
    return new GatewaySettings(gateway.getInt("max-batch-size"), gateway.getInt("max-backlog"),
        gateway.getDuration("ask-timeout"), gateway.getInt("ask-attempts"));
  }
}

package relay.persistence.history;

import com.typesafe.config.Config;
import java.time.Duration;
import relay.protocol.settings.Bounds;

/**
 * Settings of the message history (keys under {@code relay.history}), read once at start; a
 * value out of bounds stops the node with a message naming the key.
 *
 * @param enabled whether this node writes history (reads work either way)
 * @param retention how long a message's history is kept after its acceptance
 * @param flushInterval how often the writer writes what the buffer holds
 * @param batchSize most entries written in one transaction
 * @param bufferSize most entries waiting to be written; beyond, new ones are dropped (counted)
 * @param purgeInterval how often the writer looks for history older than the retention
 * @param purgeBatch most messages one purge transaction deletes
 */
public record HistorySettings(boolean enabled, Duration retention, Duration flushInterval,
    int batchSize, int bufferSize, Duration purgeInterval, int purgeBatch) {

  public HistorySettings {
    Bounds.within("relay.history.retention", retention, Duration.ofHours(1),
        Duration.ofDays(3650));
    Bounds.within("relay.history.flush-interval", flushInterval, Duration.ofMillis(10),
        Duration.ofSeconds(10));
    Bounds.within("relay.history.batch-size", batchSize, 1, 10_000);
    Bounds.within("relay.history.buffer-size", bufferSize, 1, 1_000_000);
    Bounds.within("relay.history.purge-interval", purgeInterval, Duration.ofSeconds(1),
        Duration.ofDays(1));
    Bounds.within("relay.history.purge-batch", purgeBatch, 1, 10_000);
  }

  /** From the {@code relay.history} section. */
  public static HistorySettings fromConfig(Config section) {
    return new HistorySettings(section.getBoolean("enabled"), section.getDuration("retention"),
        section.getDuration("flush-interval"), section.getInt("batch-size"),
        section.getInt("buffer-size"), section.getDuration("purge-interval"),
        section.getInt("purge-batch"));
  }
}

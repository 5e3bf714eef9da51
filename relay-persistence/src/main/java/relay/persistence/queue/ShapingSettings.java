package relay.persistence.queue;

import com.typesafe.config.Config;

/**
 * How the relay paces itself toward one destination domain (keys under {@code
 * relay.queue.shaping.default} and {@code relay.queue.shaping.domains."<domain>"}).
 *
 * @param maxConnections outbound connections (workers) open at once, cluster-wide
 * @param messagesPerConnection messages over one connection before it is closed
 * @param recipientsPerTransaction recipients in one mail transaction (RFC 5321 §4.5.3.1.8)
 * @param messagesPerMinute messages started per minute, 0 = unlimited
 */
public record ShapingSettings(int maxConnections, int messagesPerConnection,
    int recipientsPerTransaction, int messagesPerMinute) {

  public ShapingSettings {
    SettingsChecks.positive("max-connections", maxConnections, 1, 1000);
    SettingsChecks.positive("messages-per-connection", messagesPerConnection, 1, 100_000);
    SettingsChecks.positive("recipients-per-transaction", recipientsPerTransaction, 1, 10_000);
    SettingsChecks.positive("messages-per-minute", messagesPerMinute, 0, 1_000_000);
  }

  /** Reads the four keys of one shaping block (all must be present, e.g. via a fallback). */
  public static ShapingSettings fromConfig(Config c) {
    return new ShapingSettings(
        c.getInt("max-connections"),
        c.getInt("messages-per-connection"),
        c.getInt("recipients-per-transaction"),
        c.getInt("messages-per-minute"));
  }
}

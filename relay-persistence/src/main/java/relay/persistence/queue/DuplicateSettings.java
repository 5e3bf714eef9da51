package relay.persistence.queue;

import com.typesafe.config.Config;
import java.time.Duration;
import relay.protocol.settings.Bounds;

/**
 * How long and how many fingerprints of taken messages a queue remembers to recognise a client's
 * retry ({@link RecentMessages}); the {@code relay.queue.duplicates} section.
 *
 * @param window a retry later than this after the first copy is queued again (zero: off)
 * @param maxEntries fingerprints remembered per queue at most, the oldest dropped first (0: off)
 */
public record DuplicateSettings(Duration window, int maxEntries) {

  static final String SECTION = QueueSettings.key("duplicates");

  public DuplicateSettings {
    Bounds.within(SECTION + ".window", window, Duration.ZERO, Duration.ofDays(30));
    Bounds.within(SECTION + ".max-entries", maxEntries, 0, 10_000_000);
  }

  /** Reads the {@code duplicates} subsection of {@code relay.queue}. */
  static DuplicateSettings fromConfig(Config relayQueueSection) {
    Config c = relayQueueSection.getConfig("duplicates");
    return new DuplicateSettings(c.getDuration("window"), c.getInt("max-entries"));
  }

  /** Nothing is remembered: every retry is queued again. */
  public static DuplicateSettings off() {
    return new DuplicateSettings(Duration.ZERO, 0);
  }

  boolean enabled() {
    return !window.isZero() && maxEntries > 0;
  }
}

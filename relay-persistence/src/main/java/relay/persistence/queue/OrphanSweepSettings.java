package relay.persistence.queue;

import com.typesafe.config.Config;
import java.time.Duration;
import relay.protocol.settings.Bounds;

/**
 * The orphan sweep's settings (keys under {@code relay.queue.orphan-sweep}; meaning and defaults
 * in this module's {@code reference.conf}).
 *
 * @param enabled whether the node runs the sweep at all
 * @param interval time between two rounds
 * @param minAge only spool entries committed longer ago than this are looked at; at least ten
 *     times the gateway's accept deadline and the ask timeout, so that no enqueue can still be
 *     on its way for an entry the sweep looks at
 * @param maxEntriesPerRound entries looked at per round, about (a file spool reads whole
 *     directories)
 * @param askTimeout how long the sweep waits for a queue's answer; no answer keeps the entry
 * @param minSubQueuesAsked sub-queues of a domain asked at least, beyond its configured count
 *     (after lowering sub-queues, the old ones still hold messages until they drain)
 */
public record OrphanSweepSettings(boolean enabled, Duration interval, Duration minAge,
    int maxEntriesPerRound, Duration askTimeout, int minSubQueuesAsked) {

  static final String SECTION = "orphan-sweep";

  public OrphanSweepSettings {
    Bounds.within(key("interval"), interval, Duration.ofMillis(100), Duration.ofDays(1));
    Bounds.within(key("min-age"), minAge, Duration.ofSeconds(1), Duration.ofDays(30));
    Bounds.within(key("max-entries-per-round"), maxEntriesPerRound, 1, 1_000_000);
    Bounds.within(key("ask-timeout"), askTimeout, Duration.ofMillis(10), Duration.ofMinutes(5));
    Bounds.within(key("min-sub-queues-asked"), minSubQueuesAsked, 1, SubQueueId.MAX_INDEX + 1);
    if (minAge.compareTo(askTimeout.multipliedBy(10)) < 0) {
      throw new IllegalArgumentException(key("min-age") + " = " + minAge
          + " must be at least ten times " + key("ask-timeout") + " (" + askTimeout + ")");
    }
  }

  /**
   * Reads {@code orphan-sweep} of the {@code relay.queue} section and checks min-age against the
   * gateway's accept deadline too.
   */
  public static OrphanSweepSettings fromConfig(Config relayQueueSection) {
    Config c = relayQueueSection.getConfig(SECTION);
    OrphanSweepSettings s = new OrphanSweepSettings(c.getBoolean("enabled"),
        c.getDuration("interval"), c.getDuration("min-age"), c.getInt("max-entries-per-round"),
        c.getDuration("ask-timeout"), c.getInt("min-sub-queues-asked"));
    Duration deadline = relayQueueSection.getDuration("gateway.accept-deadline");
    if (s.minAge().compareTo(deadline.multipliedBy(10)) < 0) {
      throw new IllegalArgumentException(key("min-age") + " = " + s.minAge()
          + " must be at least ten times " + QueueSettings.key("gateway.accept-deadline") + " ("
          + deadline + "): an enqueue may take that long after its body was spooled");
    }
    return s;
  }

  private static String key(String relative) {
    return QueueSettings.key(SECTION + "." + relative);
  }
}

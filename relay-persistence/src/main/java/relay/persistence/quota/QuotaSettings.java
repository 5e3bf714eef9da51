package relay.persistence.quota;

import com.typesafe.config.Config;
import java.time.Duration;
import relay.protocol.settings.Bounds;

/**
 * Settings of the cluster-wide recipient quotas (keys under {@code relay.quotas}), read once at
 * start and checked: a value out of bounds stops the node with a message naming the key.
 *
 * @param leaseFraction the share of what is left of a quota that one lease hands a node
 * @param maxLease most recipients in one lease
 * @param maxBorrow most recipients a node accepts for a client beyond its lease while it waits
 *     for the next one (counted when it asks): the bound of the over-grant, per node and window
 * @param askTimeout how long a node waits for a lease before it asks again
 * @param usedUpRecheck how often a node whose client used up its quota asks again anyway (a
 *     raised quota, a bulk notice or a lease another node gave back)
 * @param snapshotEvery a snapshot of a quota entity every this many events
 * @param maxNotices most bulk notices of one client not yet over
 * @param maxNoticeWindow longest window of one bulk notice
 */
public record QuotaSettings(double leaseFraction, int maxLease, int maxBorrow,
    Duration askTimeout, Duration usedUpRecheck, int snapshotEvery, int maxNotices, Duration maxNoticeWindow) {

  public QuotaSettings {
    Bounds.within("relay.quotas.lease-fraction", leaseFraction, 0.001, 1.0);
    Bounds.within("relay.quotas.max-lease", maxLease, 1, 1_000_000);
    Bounds.within("relay.quotas.max-borrow", maxBorrow, 0, 100_000);
    Bounds.within("relay.quotas.ask-timeout", askTimeout, Duration.ofMillis(100),
        Duration.ofMinutes(1));
    Bounds.within("relay.quotas.used-up-recheck", usedUpRecheck, Duration.ofMillis(10),
        Duration.ofHours(1));
    Bounds.within("relay.quotas.snapshot-every", snapshotEvery, 1, 100_000);
    Bounds.within("relay.quotas.bulk-notices.max-per-client", maxNotices, 1, 10_000);
    Bounds.within("relay.quotas.bulk-notices.max-window", maxNoticeWindow, Duration.ofMinutes(1),
        Duration.ofDays(366));
  }

  /** From the {@code relay.quotas} section. */
  public static QuotaSettings fromConfig(Config section) {
    return new QuotaSettings(section.getDouble("lease-fraction"), section.getInt("max-lease"),
        section.getInt("max-borrow"), section.getDuration("ask-timeout"),
        section.getDuration("used-up-recheck"),
        section.getInt("snapshot-every"), section.getInt("bulk-notices.max-per-client"),
        section.getDuration("bulk-notices.max-window"));
  }
}

package relay.persistence.queue;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Port by which the queues report clients' messages delayed past a threshold (relay.notices):
 * after a deferral of a message of a registered client received more than {@code threshold}
 * ago, its queue sends a {@link DelayReport} to {@code reports}, at most once per client every
 * {@code reportInterval} per queue incarnation. Reports are hints: the node decides whether a
 * notice goes out (one per client and destination per period), so a lost or repeated report
 * changes nothing. {@code reports} is called on the queue's actor thread and must not block.
 */
public record DelayWatch(Duration threshold, Duration reportInterval,
    Consumer<DelayReport> reports) {

  /** No reports: the queues never look. */
  public static final DelayWatch OFF = new DelayWatch(Duration.ZERO, Duration.ZERO, r -> {});

  public DelayWatch {
    Objects.requireNonNull(threshold, "threshold");
    Objects.requireNonNull(reportInterval, "reportInterval");
    Objects.requireNonNull(reports, "reports");
  }

  public boolean enabled() {
    return !threshold.isZero() && !threshold.isNegative();
  }
}

package relay.persistence.notice;

import com.typesafe.config.Config;
import java.time.Duration;
import relay.persistence.registry.Names;
import relay.protocol.settings.Bounds;

/**
 * Settings of the notices to clients' contacts (keys under {@code relay.notices}), read once at
 * start and checked: a value out of bounds stops the node with a message naming the key.
 *
 * @param from the From address of notices; empty = postmaster@ the node's relay.hostname
 * @param templates a directory whose blocked.txt, unblocked.txt, delayed.txt, announcement.txt
 *     replace the built-in templates; empty = the built-in ones
 * @param delayThreshold a client's messages deferred this long after they were received make a
 *     delay notice; zero = no delay notices
 * @param delayPeriod at most one delay notice per client and destination in this period
 * @param delayReportInterval a queue reports one client's delays at most this often
 * @param retryInterval a notice the queue did not take is submitted again after this
 * @param askTimeout how long the API waits for the notices entity to take an announcement
 */
public record NoticeSettings(String from, String templates, Duration delayThreshold,
    Duration delayPeriod, Duration delayReportInterval, Duration retryInterval,
    Duration askTimeout) {

  public NoticeSettings {
    from = from == null || from.isBlank() ? "" : Names.mailbox("relay.notices.from", from, false);
    templates = templates == null ? "" : templates.strip();
    Bounds.within("relay.notices.delay-threshold", delayThreshold, Duration.ZERO,
        Duration.ofDays(30));
    Bounds.within("relay.notices.delay-period", delayPeriod, Duration.ofSeconds(1),
        Duration.ofDays(365));
    Bounds.within("relay.notices.delay-report-interval", delayReportInterval,
        Duration.ofMillis(100), Duration.ofDays(1));
    Bounds.within("relay.notices.retry-interval", retryInterval, Duration.ofMillis(100),
        Duration.ofHours(1));
    Bounds.within("relay.notices.ask-timeout", askTimeout, Duration.ofMillis(100),
        Duration.ofMinutes(1));
  }

  /** From the {@code relay.notices} section. */
  public static NoticeSettings fromConfig(Config section) {
    return new NoticeSettings(section.getString("from"), section.getString("templates"),
        section.getDuration("delay-threshold"), section.getDuration("delay-period"),
        section.getDuration("delay-report-interval"), section.getDuration("retry-interval"),
        section.getDuration("ask-timeout"));
  }
}

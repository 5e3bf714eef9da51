package relay.persistence.quota;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The windows recipients are counted in: fixed, in UTC. An hour starts at :00, a day at 00:00;
 * each count starts from zero when its window begins. Fixed windows (not sliding) because the
 * reply can then say exactly when the quota resets, every node computes the same window from its
 * clock without talking to the others, and a count is one number per window rather than a log
 * of timestamps. The price: a client may send its hourly quota at 10:59 and again at 11:00.
 */
public final class QuotaWindows {

  public static final Duration HOUR = Duration.ofHours(1);
  public static final Duration DAY = Duration.ofDays(1);

  private QuotaWindows() {}

  /** The start of the hour window holding {@code at}. */
  public static Instant hourOf(Instant at) {
    return at.truncatedTo(ChronoUnit.HOURS);
  }

  /** The start of the (UTC) day window holding {@code at}. */
  public static Instant dayOf(Instant at) {
    return at.truncatedTo(ChronoUnit.DAYS);
  }
}

package relay.persistence.queue;

import com.typesafe.config.Config;
import java.time.Duration;
import relay.protocol.settings.Bounds;

/**
 * When to try again after a transient failure (keys under {@code relay.queue.retry}): attempt n
 * (1-based, the attempt that just failed) waits {@code initial * multiplier^(n-1)}, at most {@code
 * maxInterval}. RFC 5321 §4.5.4.1 asks for at least 30 minutes between retries in steady state;
 * the defaults (5m doubling to 1h) follow common MTA practice.
 */
public record RetrySchedule(Duration initial, double multiplier, Duration maxInterval) {

  public RetrySchedule {
    Bounds.within(QueueSettings.key("retry.initial"), initial, Duration.ofMillis(1),
        Duration.ofDays(1));
    Bounds.within(QueueSettings.key("retry.multiplier"), multiplier, 1.0, 10.0);
    Bounds.within(QueueSettings.key("retry.max-interval"), maxInterval, initial,
        Duration.ofDays(7));
  }

  public static RetrySchedule fromConfig(Config retry) {
    return new RetrySchedule(retry.getDuration("initial"), retry.getDouble("multiplier"),
        retry.getDuration("max-interval"));
  }

  /** The wait after the given failed attempt (1 = the first attempt). */
  public Duration delayAfter(int attempt) {
    double millis = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    if (Double.isInfinite(millis) || millis >= maxInterval.toMillis()) {
      return maxInterval;
    }
    return Duration.ofMillis(Math.max(1, (long) millis));
  }
}

package relay.persistence.queue;

import java.time.Duration;
import java.time.Instant;

/**
 * Rate limit for messages started toward one domain: {@code perMinute} tokens per minute, a burst
 * of at most one second's worth (at least one token). {@code perMinute = 0} never limits.
 * Transient state of one queue entity; not thread-safe.
 */
final class TokenBucket {

  private final int perMinute;
  private final double capacity;
  private double tokens;
  private Instant updated;

  TokenBucket(int perMinute, Instant now) {
    this.perMinute = perMinute;
    this.capacity = Math.max(1.0, Math.ceil(perMinute / 60.0));
    this.tokens = capacity;
    this.updated = now;
  }

  boolean unlimited() {
    return perMinute == 0;
  }

  /** Takes one token if available at {@code now}. */
  boolean tryAcquire(Instant now) {
    if (unlimited()) {
      return true;
    }
    refill(now);
    if (tokens >= 1.0) {
      tokens -= 1.0;
      return true;
    }
    return false;
  }

  /** How long from {@code now} until one token is available (zero if one is). */
  Duration untilNextToken(Instant now) {
    if (unlimited()) {
      return Duration.ZERO;
    }
    refill(now);
    if (tokens >= 1.0) {
      return Duration.ZERO;
    }
    double missing = 1.0 - tokens;
    long nanos = (long) Math.ceil(missing * 60_000_000_000.0 / perMinute);
    return Duration.ofNanos(Math.max(1_000_000, nanos));
  }

  private void refill(Instant now) {
    if (now.isAfter(updated)) {
      double elapsedNanos = Duration.between(updated, now).toNanos();
      tokens = Math.min(capacity, tokens + elapsedNanos * perMinute / 60_000_000_000.0);
      updated = now;
    }
  }
}

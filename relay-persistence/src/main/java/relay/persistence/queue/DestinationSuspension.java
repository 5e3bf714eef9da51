package relay.persistence.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * "Delivery temporarily suspended": after an attempt in which no mail exchanger of the domain
 * could be reached, nothing is attempted for the retry schedule's delay after the n-th such
 * failure in a row, then one probe connection at a time until a server answers again.
 */
final class DestinationSuspension {

  private boolean suspended;
  private Instant until = Instant.MIN;
  private int failures;

  /** No mail exchanger answered at {@code now}. */
  void unreachable(Instant now, RetrySchedule retry) {
    suspended = true;
    failures++;
    until = now.plus(retry.delayAfter(failures));
  }

  /** A server answered: the suspension ends. */
  void reachable() {
    suspended = false;
    failures = 0;
  }

  /** How long nothing may be attempted from {@code now}; empty once that is over. */
  Optional<Duration> waitFrom(Instant now) {
    return suspended && now.isBefore(until) ? Optional.of(Duration.between(now, until))
        : Optional.empty();
  }

  /** Connections allowed: {@code max}, or one probe while suspended. */
  int connections(int max) {
    return suspended ? 1 : max;
  }
}

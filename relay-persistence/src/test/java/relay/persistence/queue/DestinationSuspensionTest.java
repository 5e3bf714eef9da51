package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The suspension of an unreachable destination alone, on the retry schedule. */
class DestinationSuspensionTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  static final RetrySchedule RETRY =
      new RetrySchedule(Duration.ofMinutes(1), 2.0, Duration.ofMinutes(10));

  @Test
  void eachFailureInARowWaitsLongerThenOneProbeConnection() {
    DestinationSuspension s = new DestinationSuspension();
    assertEquals(Optional.empty(), s.waitFrom(T));
    assertEquals(10, s.connections(10));
    s.unreachable(T, RETRY);
    assertEquals(Optional.of(Duration.ofMinutes(1)), s.waitFrom(T));
    assertEquals(Optional.of(Duration.ofSeconds(30)), s.waitFrom(T.plusSeconds(30)));
    assertEquals(Optional.empty(), s.waitFrom(T.plusSeconds(60)));
    assertEquals(1, s.connections(10), "one probe after the wait");
    s.unreachable(T.plusSeconds(60), RETRY);
    assertEquals(Optional.of(Duration.ofMinutes(2)), s.waitFrom(T.plusSeconds(60)));
  }

  @Test
  void anAnswerEndsItAndTheNextFailureStartsOver() {
    DestinationSuspension s = new DestinationSuspension();
    s.unreachable(T, RETRY);
    s.unreachable(T, RETRY);
    s.reachable();
    assertEquals(Optional.empty(), s.waitFrom(T));
    assertEquals(10, s.connections(10));
    s.unreachable(T, RETRY);
    assertEquals(Optional.of(Duration.ofMinutes(1)), s.waitFrom(T));
  }
}

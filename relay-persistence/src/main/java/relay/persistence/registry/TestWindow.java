package relay.persistence.registry;

import java.time.Instant;
import relay.persistence.CborSerializable;

/**
 * When a client's {@code test} addresses may relay: from {@code from} (inclusive) until
 * {@code until} (exclusive). Outside it they are refused at connect ({@code 554 5.7.1}).
 */
public record TestWindow(Instant from, Instant until) implements CborSerializable {

  public TestWindow {
    if (from == null || until == null) {
      throw new IllegalArgumentException("testWindow: both from and until are required");
    }
    if (!from.isBefore(until)) {
      throw new IllegalArgumentException("testWindow: from " + from + " is not before until "
          + until);
    }
  }

  public boolean contains(Instant instant) {
    return !instant.isBefore(from) && instant.isBefore(until);
  }
}

package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * When no mail exchanger of a destination answers, the queue suspends it: the other due
 * messages are deferred with the same reply instead of each opening a failing connection, and
 * later rounds probe with one connection. Once the destination answers again, everything goes.
 */
class DestinationSuspensionTest {

  @Test
  void unreachableDestinationIsProbedNotHammered() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.with("relay.queue.retry { initial = 1s, multiplier = 1.0, max-interval = 1s }")
          .with("relay.queue.shaping.domains { \"dest.test\" { max-connections = 10 } }")
          .start();
      relay.sink.greeting421(true);
      Injector.Result sent = new Injector(relay.smtp(), "suspended", "dest.test").send(40, 4);
      assertEquals(40, sent.accepted().size());

      Thread.sleep(2_000); // the first round: up to max-connections at once
      int afterFirstRound = relay.sink.totalConnections();
      Thread.sleep(4_000); // about four more retry rounds
      int probes = relay.sink.totalConnections() - afterFirstRound;
      assertTrue(probes <= 8, "connections in four suspended rounds: " + probes
          + " (without suspension every due message would connect: ~160)");

      relay.sink.greeting421(false);
      assertTrue(relay.sink.awaitMessages(40, Duration.ofSeconds(20)),
          "all delivered once the destination answers: " + relay.sink.messageCount());
      assertEquals(40, RestartWithPendingQueueTest.countBySubject(relay, "suspended").size());
    }
  }
}

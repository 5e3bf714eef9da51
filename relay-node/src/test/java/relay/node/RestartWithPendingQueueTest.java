package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import relay.testing.ReceivedMessage;

/**
 * Destination down: 10,000 accepted messages wait in the queue; the relay restarts; the
 * destination comes up; every message arrives exactly once, with no new traffic to wake the queue.
 */
class RestartWithPendingQueueTest {

  static final Pattern SUBJECT = Pattern.compile("Subject: (\\S+) (\\d+)\r\n");

  @Test
  void tenThousandQueuedMessagesArriveExactlyOnceAfterRestart() throws Exception {
    int messages = Integer.getInteger("relay.test.restart.messages", 10_000);
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.with("relay.queue.retry { initial = 1s, multiplier = 1.0, max-interval = 1s }").start();
      relay.sink.down();
      Injector.Result sent = new Injector(relay.smtp(), "restart", "dest.test").send(messages, 10);
      assertEquals(messages, sent.accepted().size(), "all accepted; failures: " + sent.failed());

      relay.restart();
      relay.sink.up();

      boolean all = relay.sink.awaitMessages(messages, Duration.ofMinutes(4));
      Map<Integer, Integer> arrivals = countBySubject(relay, "restart");
      assertEquals(messages, arrivals.size(), "distinct messages arrived (all=" + all + ")");
      Thread.sleep(2_000);
      arrivals = countBySubject(relay, "restart");
      long duplicates = arrivals.values().stream().filter(c -> c > 1).count();
      assertEquals(0, duplicates, "no message arrived twice");
    }
  }

  static Map<Integer, Integer> countBySubject(RelayFixture relay, String prefix) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (ReceivedMessage m : relay.sink.messages()) {
      Matcher matcher = SUBJECT.matcher(m.text());
      if (matcher.find() && matcher.group(1).equals(prefix)) {
        counts.merge(Integer.parseInt(matcher.group(2)), 1, Integer::sum);
      }
    }
    return counts;
  }
}

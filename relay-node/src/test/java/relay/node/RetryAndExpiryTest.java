package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import relay.testing.ReceivedMessage;
import relay.testing.SmtpSink;

/**
 * Temporary failures are retried on the (shortened) schedule until they succeed; a message that
 * cannot be delivered within its lifetime expires with a DSN; a delay warning goes out first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetryAndExpiryTest {

  private RelayFixture relay;
  private SmtpSink flaky;

  @BeforeAll
  void start() throws Exception {
    relay = RelayFixture.create(RelayFixture.Storage.H2);
    // A second destination on 127.0.0.3 on the same port as the main sink, for outages.
    flaky = SmtpSink.builder().bind("127.0.0.3", relay.sink.port()).start();
    relay.dns.mx("flaky.test", 10, "mx.flaky.test").a("mx.flaky.test", "127.0.0.3");
    // Nothing listens on 127.0.0.4: connections are refused until the message expires.
    relay.dns.mx("dead.test", 10, "mx.dead.test").a("mx.dead.test", "127.0.0.4");
    relay.with("relay.queue.retry { initial = 1s, multiplier = 1.0, max-interval = 1s }")
        .with("relay.queue.max-lifetime = 6s")
        .with("relay.queue.delay-warning = 2s")
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      relay.close();
    } finally {
      flaky.close();
    }
  }

  @Test
  void greeting421IsRetriedUntilTheDestinationAccepts() throws Exception {
    String tag = UUID.randomUUID().toString();
    flaky.greeting421(true);
    Instant sent = Instant.now();
    send("owner@sender.test", "carol@flaky.test", tag);
    Thread.sleep(2_500);
    assertEquals(0, flaky.messageCount(), "nothing delivered while the destination answers 421");
    int attemptsWhileDown = flaky.totalConnections();
    assertTrue(attemptsWhileDown >= 2, "retried on schedule while down: " + attemptsWhileDown + " connections");
    flaky.greeting421(false);
    assertTrue(flaky.awaitMessages(1, Duration.ofSeconds(10)));
    ReceivedMessage got = flaky.messages().get(0);
    assertTrue(got.text().contains(tag));
    assertTrue(Duration.between(sent, got.arrivedAt()).toMillis() >= 2_500);
  }

  @Test
  void destinationDownIsRetriedThenDeliveredOnce() throws Exception {
    String tag = UUID.randomUUID().toString();
    relay.sink.down();
    send("owner@sender.test", "dave@dest.test", tag);
    Thread.sleep(2_000);
    relay.sink.up();
    List<ReceivedMessage> got = awaitAt(relay.sink, tag, 1);
    assertEquals(List.of("dave@dest.test"), got.get(0).recipients());
    Thread.sleep(1_500);
    assertEquals(1, relay.sink.messages().stream().filter(m -> m.text().contains(tag)).count(),
        "delivered exactly once");
  }

  @Test
  void undeliverableMessageExpiresWithDelayWarningThenFailureDsn() throws Exception {
    String tag = UUID.randomUUID().toString();
    send("owner@sender.test", "erin@dead.test", tag);
    ReceivedMessage delayed = awaitDsn(tag, "delayed");
    EndToEndContract.DsnView warning = EndToEndContract.DsnView.parse(delayed.data());
    assertEquals("delayed", warning.field("Action"));
    assertTrue(warning.field("Status").startsWith("4."), warning.field("Status"));

    ReceivedMessage failed = awaitDsn(tag, "failed");
    EndToEndContract.DsnView view = EndToEndContract.DsnView.parse(failed.data());
    assertEquals("failed", view.field("Action"));
    assertTrue(view.field("Status").startsWith("4.") || view.field("Status").startsWith("5."), view.field("Status"));
    // The last attempt found nobody listening: the relay's own verdict, not a remote reply.
    assertTrue(view.field("Diagnostic-Code").contains("4.4.1"), view.field("Diagnostic-Code"));
    assertFalse(flaky.messages().stream().anyMatch(m -> m.text().contains("erin@dead.test") && !m.mailFrom().isEmpty()));
  }

  private void send(String from, String to, String tag) throws Exception {
    String queued = SmtpDialog.sendOne(relay.smtp(), from, to,
        "Subject: " + tag + "\r\n\r\n" + tag + "\r\n");
    assertTrue(queued.startsWith("250 2.0.0"), queued);
  }

  private static List<ReceivedMessage> awaitAt(SmtpSink sink, String tag, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      List<ReceivedMessage> found = sink.messages().stream().filter(m -> m.text().contains(tag)).toList();
      if (found.size() >= n) {
        return found;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no message with " + tag);
  }

  private ReceivedMessage awaitDsn(String tag, String action) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (ReceivedMessage m : relay.sink.messages()) {
        if (m.mailFrom().isEmpty() && m.text().contains(tag) && m.text().contains("Action: " + action)) {
          return m;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + action + "' DSN about " + tag);
  }
}

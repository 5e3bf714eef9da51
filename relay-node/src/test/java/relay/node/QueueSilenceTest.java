package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A queue that does not answer: the node's journal is a PostgreSQL behind a proxy that stops
 * forwarding (packets dropped), the bodies are in the file spool, so the spool commit succeeds
 * and only the enqueue gets no answer. The client must be told nothing false: no 250 (the message
 * may never be queued), no 451 (it may be queued and delivered). The gateway sends the batch
 * again until relay.queue.gateway.accept-deadline and then the session closes without a reply.
 * Once the database answers again the client's resend (same Message-ID) is accepted, and the
 * sink holds exactly one copy: the first attempt if its write went through in the end (the resend
 * is recognised), the resend otherwise.
 */
class QueueSilenceTest {

  private static final Duration DEADLINE = Duration.ofSeconds(4);

  @Test
  void anEnqueueWithNoAnswerClosesWithoutAReplyAndTheResendIsDeliveredOnce() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.POSTGRES);
        BlackholeProxy proxy = BlackholeProxy.to("127.0.0.1", 5432)) {
      String url = relay.database().url()
          .replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/");
      relay.with("relay.storage { spool = file, pool-connection-timeout = 2s, pool-validation-timeout = 1s, "
          + "postgres { url = \"" + url + "\", socket-timeout = 6s, statement-timeout = 3s } }\n"
          + "relay.queue.gateway { ask-timeout = 1s, accept-deadline = "
          + DEADLINE.toMillis() + "ms }").start();

      MessageAttempt warm = MessageAttempt.sendWithMessageId(relay.smtp(), "a@dest.test",
          "qs-warm", MessageAttempt.READ_TIMEOUT);
      assertTrue(warm.accepted(), "before the outage: " + warm);

      proxy.blackhole();
      MessageAttempt silent = MessageAttempt.sendWithMessageId(relay.smtp(), "a@dest.test",
          "qs-silent", MessageAttempt.READ_TIMEOUT);
      System.out.printf("queue silent: the client saw %s after %d ms (accept-deadline %d ms)%n",
          silent.reply(), silent.took().toMillis(), DEADLINE.toMillis());
      assertEquals("<closed>", silent.reply(), "neither 250 nor a refusal");
      assertTrue(silent.took().compareTo(DEADLINE) >= 0, "closed after " + silent.took());
      assertTrue(silent.took().compareTo(DEADLINE.plusSeconds(10)) < 0,
          "closed after " + silent.took());

      proxy.restore();
      MessageAttempt resend = MessageAttempt.sendUntilAccepted(() -> MessageAttempt.sendWithMessageId(relay.smtp(), "a@dest.test", "qs-silent",
              MessageAttempt.READ_TIMEOUT), Duration.ofSeconds(90));
      assertTrue(resend.accepted(), "after the database came back: " + resend);

      assertEquals(Set.of(), MessageAttempt.awaitDelivered(relay.sink::messages,
          List.of("qs-warm", "qs-silent"), Duration.ofSeconds(60)), "never delivered");
      Thread.sleep(3_000); // a second copy would follow within the retry interval (2 s)
      long copies = relay.sink.messages().stream()
          .filter(m -> new String(m.data(), StandardCharsets.UTF_8)
              .contains("Subject: qs-silent\r\n"))
          .count();
      assertEquals(1, copies, "copies of the message sent twice");
    }
  }
}

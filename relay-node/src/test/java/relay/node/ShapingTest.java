package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import relay.testing.ReceivedMessage;

/**
 * Destination shaping holds at the destination: a counting sink never sees more connections,
 * messages per connection or recipients per transaction than the domain's limits.
 */
class ShapingTest {

  @Test
  void connectionMessageAndRecipientLimitsHoldAtTheSink() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.with("relay.queue.shaping.domains { \"dest.test\" { max-connections = 2, "
          + "messages-per-connection = 5, recipients-per-transaction = 3 } }").start();
      relay.sink.slow(Duration.ofMillis(5));
      int messages = 40;
      int recipientsPerMessage = 7;
      ExecutorService clients = Executors.newFixedThreadPool(8);
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < messages; i++) {
        int n = i;
        sent.add(clients.submit(() -> {
          try (SmtpDialog smtp = SmtpDialog.connect(relay.smtp())) {
            smtp.reply();
            smtp.command("EHLO shaper.test");
            assertTrue(smtp.command("MAIL FROM:<bulk@sender.test>").startsWith("250"));
            for (int r = 0; r < recipientsPerMessage; r++) {
              assertTrue(smtp.command("RCPT TO:<m" + n + "r" + r + "@dest.test>").startsWith("250"));
            }
            assertTrue(smtp.command("DATA").startsWith("354"));
            String queued = smtp.send("Subject: shaping " + n + "\r\n\r\nbody\r\n.\r\n").reply();
            assertTrue(queued.startsWith("250 2.0.0"), queued);
            smtp.command("QUIT");
          }
          return null;
        }));
      }
      for (Future<?> f : sent) {
        f.get();
      }
      clients.shutdown();

      int transactions = messages * ((recipientsPerMessage + 2) / 3);
      assertTrue(relay.sink.awaitMessages(transactions, Duration.ofSeconds(60)),
          "all transactions arrive: " + relay.sink.messageCount() + "/" + transactions);
      Set<String> recipients = new HashSet<>();
      for (ReceivedMessage m : relay.sink.messages()) {
        assertTrue(m.recipients().size() <= 3, "recipients per transaction: " + m.recipients());
        recipients.addAll(m.recipients());
      }
      assertEquals(messages * recipientsPerMessage, recipients.size(), "every recipient delivered");
      assertTrue(relay.sink.maxConcurrentConnections() <= 2,
          "connections at once: " + relay.sink.maxConcurrentConnections());
      assertTrue(relay.sink.maxConcurrentConnections() >= 1);
      assertTrue(relay.sink.maxMessagesPerConnection() <= 5 * 3,
          "transactions per connection: " + relay.sink.maxMessagesPerConnection());
      assertTrue(relay.sink.maxRecipientsPerTransaction() <= 3);
    }
  }
}

package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import relay.node.config.NodeSettings;
import relay.persistence.queue.DeliveryQueue;
import relay.testing.ReceivedMessage;

/**
 * Destination shaping holds at the destination: a counting sink never sees more connections,
 * messages per connection or recipients per transaction than the domain's limits.
 */
class ShapingTest {

  /**
   * Sends {@code messages} messages from 8 clients at once, each to {@code recipientsPerMessage}
   * recipients {@code m<n>r<r>@dest.test}; every one must be accepted.
   */
  static void send(RelayFixture relay, int messages, int recipientsPerMessage) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
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
    } finally {
      clients.shutdown();
    }
  }

  @Test
  void connectionMessageAndRecipientLimitsHoldAtTheSink() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.with("relay.queue.shaping.domains { \"dest.test\" { max-connections = 2, "
          + "messages-per-connection = 5, recipients-per-transaction = 3 } }").start();
      relay.sink.slow(Duration.ofMillis(5));
      int messages = 40;
      int recipientsPerMessage = 7;
      send(relay, messages, recipientsPerMessage);

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

  /**
   * A domain spread over three sub-queues with max-connections = 3: each sub-queue delivers part
   * of the mail (counted in the journal, per entity), they deliver side by side, and the sink
   * never sees more than the domain's 3 connections at once.
   */
  @Test
  void threeSubQueuesTogetherStayWithinTheDomainsConnectionsAtTheSink() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.with("relay.queue.shaping.domains { \"dest.test\" { max-connections = 3, "
          + "messages-per-connection = 5, sub-queues = 3 } }").start();
      relay.sink.slow(Duration.ofMillis(5));
      int messages = 60;
      send(relay, messages, 1);
      assertTrue(relay.sink.awaitMessages(messages, Duration.ofSeconds(60)),
          "all messages arrive: " + relay.sink.messageCount() + "/" + messages);
      assertTrue(relay.sink.maxConcurrentConnections() <= 3,
          "connections at once: " + relay.sink.maxConcurrentConnections());
      assertTrue(relay.sink.maxConcurrentConnections() >= 2,
          "sub-queues deliver side by side: " + relay.sink.maxConcurrentConnections());
      String journal = NodeSettings.fromConfig(relay.config()).storage().jdbcUrl();
      relay.stopNode(); // the embedded database admits one process; read it once the node is gone
      int delivered = 0;
      for (String queue : List.of("dest.test", "dest.test#1", "dest.test#2")) {
        int n = deliveryEvents(journal, "DeliveryQueue|" + queue);
        assertTrue(n > 0, "sub-queue " + queue + " delivered mail");
        delivered += n;
      }
      assertEquals(messages, delivered, "each message delivered once, by one sub-queue");
    }
  }

  /** RecipientsDelivered events in the journal of one queue entity. */
  static int deliveryEvents(String jdbcUrl, String persistenceId) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM \"event_journal\""
            + " WHERE \"persistence_id\" = ? AND \"event_ser_manifest\" = ?")) {
      ps.setString(1, persistenceId);
      ps.setString(2, DeliveryQueue.RecipientsDelivered.class.getName());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}

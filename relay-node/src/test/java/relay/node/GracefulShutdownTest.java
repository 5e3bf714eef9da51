package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown: open sessions are told "421 4.3.2" and closed; a delivery in progress
 * finishes and is recorded, so it is not sent again after a restart.
 */
class GracefulShutdownTest {

  @Test
  void openSessionsGet421AndInFlightDeliveryFinishesOnce() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.start();
      // A slow destination: the delivery is still in progress when the shutdown starts.
      relay.sink.slow(Duration.ofMillis(400));
      try (SmtpDialog sender = SmtpDialog.connect(relay.smtp())) {
        sender.reply();
        sender.command("EHLO app.client.test");
        assertTrue(sender.command("MAIL FROM:<owner@sender.test>").startsWith("250"));
        assertTrue(sender.command("RCPT TO:<slow@dest.test>").startsWith("250"));
        assertTrue(sender.command("DATA").startsWith("354"));
        assertTrue(sender.send("Subject: in-flight\r\n\r\nslow\r\n.\r\n").reply().startsWith("250 2.0.0"));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (relay.sink.currentConnections() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1, relay.sink.currentConnections(), "the delivery has started");

      try (SmtpDialog idle = SmtpDialog.connect(relay.smtp())) {
        idle.reply();
        idle.command("EHLO idle.client.test");
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
          try {
            relay.stopNode();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        String reply = idle.reply();
        assertTrue(reply.startsWith("421 4.3.2"), reply);
        assertEquals("<closed>", idle.reply());
        stopping.get();
      }
      assertEquals(1, relay.sink.messages().stream().filter(m -> m.text().contains("in-flight")).count(),
          "the delivery in progress finished before the node stopped");

      relay.sink.slow(Duration.ZERO);
      relay.start();
      Thread.sleep(3_000);
      assertEquals(1, relay.sink.messages().stream().filter(m -> m.text().contains("in-flight")).count(),
          "and it is not sent again after the restart");
    }
  }
}

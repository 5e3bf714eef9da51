package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import relay.persistence.spool.FileSpool;

/**
 * A destination queue at its limit of pending messages refuses more with a precise transient
 * reply (452 4.3.1, RFC 3463 "mail system full"); the refused message is not queued, and the
 * client's retry succeeds once the queue drains.
 */
class QueueLimitTest {

  @Test
  void fullDestinationQueueAnswers452AndQueuesNothing() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.with("relay.queue.max-pending-messages = 3")
          .with("relay.queue.retry { initial = 1s, multiplier = 1.0, max-interval = 1s }")
          .start();
      relay.sink.down();
      for (int i = 0; i < 3; i++) {
        assertTrue(send(relay, "accepted-" + i).startsWith("250 2.0.0"));
      }
      String refused = send(relay, "refused");
      assertEquals("452 4.3.1 Insufficient system storage: destination queue full, try later", refused);

      relay.sink.up();
      assertTrue(relay.sink.awaitMessages(3, Duration.ofSeconds(20)));
      Thread.sleep(1_500);
      assertEquals(3, relay.sink.messageCount(), "the refused message was never queued");
      assertTrue(relay.sink.messages().stream().noneMatch(m -> m.text().contains("refused")));
      assertEquals(0, spooledFiles(relay), "no body is left in the spool, not even the refused one's");
      assertTrue(send(relay, "retried").startsWith("250 2.0.0"), "accepted again once the queue drained");
    }
  }

  /**
   * Bodies left under the data directory's spool once delivery is done (waits for releases);
   * released files kept for reuse under spool/free are not bodies.
   */
  static long spooledFiles(RelayFixture relay) throws Exception {
    Path spool = relay.dataDir.resolve("spool");
    long files = -1;
    for (int i = 0; i < 50 && files != 0; i++) {
      try (Stream<Path> all = Files.walk(spool)) {
        files = all.filter(Files::isRegularFile)
            .filter(p -> !p.startsWith(spool.resolve(FileSpool.FREE_DIRECTORY))).count();
      }
      if (files != 0) {
        Thread.sleep(100);
      }
    }
    return files;
  }

  private static String send(RelayFixture relay, String subject) throws Exception {
    try (SmtpDialog smtp = SmtpDialog.connect(relay.smtp())) {
      smtp.reply();
      smtp.command("EHLO app.client.test");
      assertTrue(smtp.command("MAIL FROM:<owner@sender.test>").startsWith("250"));
      assertTrue(smtp.command("RCPT TO:<limit@dest.test>").startsWith("250"));
      assertTrue(smtp.command("DATA").startsWith("354"));
      String reply = smtp.send("Subject: " + subject + "\r\n\r\nbody\r\n.\r\n").reply();
      smtp.command("QUIT");
      return reply;
    }
  }
}

package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import relay.persistence.spool.FileSpool;

/**
 * The node runs the orphan sweep: a body in its file spool that no queue refers to (as a crash
 * between the spool's commit and the queue's write leaves it) and older than min-age is removed
 * within a few rounds; the body of a message the queue holds stays, however old.
 */
class OrphanSweepNodeTest {

  @Test
  void theNodeRemovesAnOldOrphanAndKeepsAHeldBody() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.with("relay.queue.gateway { ask-timeout = 1s, accept-deadline = 1s }")
          .with("relay.queue.orphan-sweep { interval = 500ms, min-age = 10s, ask-timeout = 1s }")
          .start();
      relay.sink.down(); // the message stays pending
      String reply = SmtpDialog.sendOne(relay.smtp(), "owner@sender.test", "x@dest.test",
          "Subject: held\r\n\r\nbody\r\n");
      assertTrue(reply.startsWith("250 2.0.0"), reply);
      Path spool = relay.dataDir.resolve("spool");
      List<Path> held = entries(spool);
      assertEquals(1, held.size());

      // an orphan: a committed body under a queue id no queue has, where the spool puts it (the
      // sub-directory of its queue id's hash) and in its form (the owner line)
      String id = "ORPHAN00000000001";
      Path orphan = spool.resolve(String.format("%02x", id.hashCode() & 0xff))
          .resolve(id + "@dest.test");
      Files.write(orphan, "#relay-spool ORPHAN00000000001\r\nSubject: lost\r\n\r\nx\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
      Files.setLastModifiedTime(orphan, old);
      Files.setLastModifiedTime(held.get(0), old);

      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (Files.exists(orphan) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertFalse(Files.exists(orphan), "the orphan was swept");
      Thread.sleep(1_500); // a few more rounds
      assertTrue(Files.exists(held.get(0)), "the queue holds this one");

      relay.sink.up();
      assertTrue(relay.sink.awaitMessages(1, Duration.ofSeconds(20)), "and delivers it");
    }
  }

  private static List<Path> entries(Path spool) throws Exception {
    try (Stream<Path> all = Files.walk(spool)) {
      return all.filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(spool.resolve(FileSpool.FREE_DIRECTORY))).toList();
    }
  }
}

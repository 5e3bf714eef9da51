package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import relay.testing.SmtpSink;

/**
 * A node on the embedded H2 database whose data directory (database and, with the file spool,
 * the bodies) is a small tmpfs that fills up, with the file spool and with the database spool:
 * while the disk is full every message gets "451 4.3.0" at once, the node stays alive and an Up
 * member, and /health reports the storage fault; once space is freed mail is accepted again,
 * and every message accepted before, during (none) or after the fault is delivered.
 *
 * <p>Needs root for mount(8) (CI runs as root). Where mount is refused the test is skipped with
 * that reason, except under CI (the CI variable set), where it fails.
 */
class FullDiskTest {

  private static final Duration FAULT_REPLY_BOUND = Duration.ofSeconds(10);

  private Path mount;
  private Path work;
  private SmtpSink sink;

  @BeforeEach
  void mountSmallTmpfs() throws Exception {
    work = Files.createTempDirectory("relay-full-disk-");
    mount = Files.createDirectory(work.resolve("data"));
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs",
        mount.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      String reason = "mount -t tmpfs is not permitted here (needs root): " + output.trim();
      if (System.getenv("CI") != null) {
        throw new IllegalStateException(reason);
      }
      Assumptions.abort(reason);
    }
    sink = SmtpSink.builder().bind("127.0.0.2", 0).start();
  }

  @AfterEach
  void unmount() throws Exception {
    if (sink != null) {
      sink.close();
    }
    if (mount != null) {
      new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
    }
    if (work != null && !Boolean.getBoolean("relay.test.keep-logs")) {
      RelayFixture.deleteRecursively(work);
    }
  }

  @ParameterizedTest(name = "spool = {0}")
  @ValueSource(strings = {"file", "database"})
  void aFullDiskRefusesMailWith451AndLosesNothing(String spool) throws Exception {
    String config = "relay.hostname = \"relay.test\"\n"
        + "relay.data-dir = \"" + mount + "\"\n"
        + "relay.storage.spool = " + spool + "\n"
        + "relay.clients = [ { name = \"test-app\", ips = [\"127.0.0.1\"] } ]\n"
        + "relay.routes { \"dest.test\" = \"[127.0.0.2]:" + sink.port() + "\" }\n"
        + "relay.queue.retry { initial = 1s, multiplier = 1.0, max-interval = 1s }\n";
    sink.greeting421(true); // the destination defers: accepted mail stays queued on the disk
    try (RelayProcess relay = RelayProcess.start(config, work, "relay-" + spool)) {
      relay.awaitReady(Duration.ofSeconds(60));
      List<String> accepted = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        MessageAttempt a = send(relay.smtp, "before-" + i);
        assertTrue(a.accepted(), "before the fault: " + a);
        accepted.add("before-" + i);
      }

      long filled = fill(mount.resolve("filler"));
      System.out.printf("full disk (%s spool): filled %d KiB%n", spool, filled / 1024);
      int refused = 0;
      for (int i = 0; i < 5; i++) {
        MessageAttempt a = send(relay.smtp, "during-" + i);
        System.out.printf("full disk (%s spool): %s after %d ms%n", spool,
            a.reply().replace('\n', '|'), a.took().toMillis());
        if (a.accepted()) {
          accepted.add("during-" + i); // written over a recycled spool file: still delivered
        } else {
          assertTrue(a.reply().startsWith("451 4.3.0"), "while the disk is full: " + a);
          refused++;
        }
        assertTrue(a.took().compareTo(FAULT_REPLY_BOUND) < 0, "reply took " + a.took());
      }
      assertTrue(refused >= 4, refused + " of 5 refused while the disk is full");
      String health = NodeHealth.await(relay.ports.http(), "storage-reachable", false,
          Duration.ofSeconds(10));
      assertTrue(NodeHealth.reports(health, "storage-reachable", false), health);
      assertTrue(NodeHealth.reports(health, "cluster-member-up", true), health);
      Thread.sleep(3_000); // retries of the deferred queue hit the full journal meanwhile
      assertTrue(relay.isAlive(), "the node died on a full disk; log " + relay.log());

      Files.delete(mount.resolve("filler"));
      health = NodeHealth.await(relay.ports.http(), "storage-reachable", true,
          Duration.ofSeconds(10));
      assertTrue(NodeHealth.reports(health, "storage-reachable", true), health);
      MessageAttempt again = MessageAttempt.sendUntilAccepted(relay.smtp, "user@dest.test",
          "after-0", Duration.ofSeconds(60));
      assertTrue(again.accepted(), "after space was freed: " + again);
      accepted.add("after-0");
      for (int i = 1; i < 5; i++) {
        MessageAttempt a = send(relay.smtp, "after-" + i);
        assertTrue(a.accepted(), "after space was freed: " + a);
        accepted.add("after-" + i);
      }

      sink.greeting421(false);
      assertEquals(Set.of(), MessageAttempt.awaitDelivered(sink::messages, accepted,
          Duration.ofMinutes(2)), "accepted but never delivered; log " + relay.log());
      assertTrue(relay.isAlive());
    }
  }

  private static MessageAttempt send(InetSocketAddress relay, String subject) throws IOException {
    return MessageAttempt.send(relay, "user@dest.test", subject, 2_000, MessageAttempt.READ_TIMEOUT);
  }

  /** Writes to {@code file} until the file system is full; returns the bytes written. */
  private static long fill(Path file) throws IOException {
    byte[] block = new byte[64 * 1024];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
        written += block.length;
      }
    } catch (IOException full) {
      if (written == 0) {
        throw full;
      }
    }
    return written;
  }
}

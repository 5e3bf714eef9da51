package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import relay.persistence.spool.FileSpool;

/**
 * SIGKILL while 20 clients send: after a restart every message that got 250 arrives at least
 * once. Duplicates (delivered before the kill, Delivered event not yet persisted) are counted
 * and reported.
 */
class CrashRecoveryTest {

  static final int SESSIONS = 20;

  @Test
  void everyAcceptedMessageArrivesAfterSigkill() throws Exception {
    try (RelayFixture fixture = RelayFixture.create(RelayFixture.Storage.H2)) {
      String base = "relay.hostname = \"relay.test\"\n"
          + "relay.data-dir = \"" + fixture.dataDir.toString().replace("\\", "/") + "\"\n"
          + "relay.clients = [ { name = \"test-app\", ips = [\"127.0.0.1\"] } ]\n"
          + "relay.smtp.client.port = " + fixture.sink.port() + "\n"
          + "relay.delivery.allowed-networks = [\"127.0.0.0/8\"]\n"
          + "relay.dns.servers = [\"" + fixture.dns.serverString() + "\"]\n"
          + "relay.queue.retry { initial = 1s, multiplier = 1.0, max-interval = 1s }\n";
      List<Integer> accepted;
      RelayProcess first = RelayProcess.start(base, fixture.dataDir, "first");
      try {
        CompletableFuture<Injector.Result> sending =
            new Injector(first.smtp, "crash", "dest.test").sendInBackground(100_000, SESSIONS);
        Thread.sleep(Duration.ofSeconds(6).toMillis());
        first.kill();
        Injector.Result result = sending.get();
        accepted = result.accepted();
        System.out.printf("crash test: %d messages got 250 before SIGKILL, %d sends failed%n",
            accepted.size(), result.failed());
        assertTrue(accepted.size() > 100, "the relay accepted traffic before the kill: " + accepted.size());
      } finally {
        first.close();
      }

      try (RelayProcess second = RelayProcess.start(base, fixture.dataDir, "second")) {
        Set<Integer> missing = new HashSet<>(accepted);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
          missing.removeAll(RestartWithPendingQueueTest.countBySubject(fixture, "crash").keySet());
          if (missing.isEmpty()) {
            break;
          }
          Thread.sleep(500);
        }
        assertEquals(Set.of(), missing, "messages that got 250 and never arrived");
        Thread.sleep(2_000);
        Map<Integer, Integer> arrivals = RestartWithPendingQueueTest.countBySubject(fixture, "crash");
        List<Integer> duplicated = new ArrayList<>();
        arrivals.forEach((n, c) -> {
          if (c > 1) {
            duplicated.add(n);
          }
        });
        System.out.printf("crash test: %d accepted, %d arrived (including unacknowledged ones), "
            + "%d duplicates%n", accepted.size(), arrivals.size(), duplicated.size());
        // Everything arrived, so every body still in the spool is one that no queue refers to:
        // a body committed in the instant between the spool's commit and the queue's write
        // (never acknowledged, never enqueued), at most one per session sending at the kill.
        // Bodies of delivered messages whose release the kill cut off are released by their
        // queue's recovery and are not left.
        long left = spoolEntries(fixture.dataDir.resolve("spool"));
        System.out.printf("crash test: %d spool entries left once everything arrived%n", left);
        assertTrue(left <= SESSIONS, left + " bodies left in the spool");
        second.terminate(Duration.ofSeconds(30));
      }
    }
  }

  /** Committed bodies in the file spool: its hash directories, not the free files. */
  static long spoolEntries(Path spool) throws IOException {
    try (Stream<Path> files = Files.walk(spool)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> !p.getParent().getFileName().toString().equals(FileSpool.FREE_DIRECTORY))
          .count();
    }
  }
}

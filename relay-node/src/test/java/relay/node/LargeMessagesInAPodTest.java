package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.testing.ReceivedMessage;
import relay.testing.SmtpSink;

/**
 * Eight 30 MiB messages delivered at once by a node with the heap of the Kubernetes manifests
 * (a 1 GiB memory limit, -XX:MaxRAMPercentage=70, -XX:+ExitOnOutOfMemoryError: about 717 MiB)
 * on the PostgreSQL spool: accepted concurrently and sent concurrently over eight connections to
 * a slow sink, every byte arrives and the node does not run out of memory. Prints the heap's
 * high-water mark (largest heap before a collection, largest live heap after one, from the
 * node's GC log) and the process's resident high-water mark (VmHWM).
 */
class LargeMessagesInAPodTest {

  private static final int MESSAGES = 8;
  private static final int BODY_BYTES = 30 * 1024 * 1024;
  private static final String LINE = "0123456789abcdefghijklmnopqrstuvwxyz".repeat(2) + "ABCD\r\n";
  private static final Pattern GC_PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
  private static final Pattern HEAP_MAX = Pattern.compile("Heap Max Capacity: ([0-9.]+)([MG])");

  @TempDir Path work;

  @Test
  void eightConcurrent30MiBDeliveriesFitTheManifestsHeap() throws Exception {
    Path gcLog = work.resolve("gc.log");
    List<String> podJvm = List.of("-XX:MaxRAM=1g", "-XX:MaxRAMPercentage=70",
        "-XX:+ExitOnOutOfMemoryError", "-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1",
        "-Xlog:gc,gc+init:file=" + gcLog);
    try (PostgresDatabase database = PostgresDatabase.create();
        SmtpSink sink = SmtpSink.builder().bind("127.0.0.2", 0).start()) {
      String config = "relay.hostname = \"relay.test\"\n"
          + "relay.data-dir = \"" + work.resolve("data") + "\"\n"
          + "relay.storage { kind = postgres, spool = database, "
          + "postgres { url = \"" + database.url() + "\", user = postgres } }\n"
          + "relay.clients = [ { name = \"test-app\", ips = [\"127.0.0.1\"] } ]\n"
          + "relay.routes { \"dest.test\" = \"[127.0.0.2]:" + sink.port() + "\" }\n"
          + "relay.queue.retry { initial = 1s, multiplier = 1.0, max-interval = 1s }\n"
          + "relay.queue.shaping.default { max-connections = 10, messages-per-connection = 1 }\n";
      // Every reply of the sink comes after 2 s, so a delivery lasts 12 s or more: the eight,
      // accepted within a few seconds, are all being sent at the same time.
      sink.slow(Duration.ofSeconds(2));
      RelayProcess relay = RelayProcess.launch(config, work, "relay", RelayProcess.Ports.free(),
          podJvm);
      try {
        relay.awaitReady(Duration.ofSeconds(90));
        ExecutorService clients = Executors.newFixedThreadPool(MESSAGES);
        try {
          List<CompletableFuture<String>> replies = new ArrayList<>();
          for (int i = 0; i < MESSAGES; i++) {
            int n = i;
            replies.add(CompletableFuture.supplyAsync(() -> sendLarge(relay.smtp, n), clients));
          }
          for (int i = 0; i < MESSAGES; i++) {
            String reply = replies.get(i).get();
            assertTrue(reply.startsWith("250"), "message " + i + ": " + reply);
          }
        } finally {
          clients.shutdownNow();
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (sink.messageCount() < MESSAGES && relay.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(500);
        }
        String vmHwm = relay.isAlive() ? vmHwm(relay.pid()) : "(exited)";
        report(Files.readAllLines(gcLog), vmHwm, sink.maxConcurrentConnections());
        String log = Files.readString(relay.log());
        assertTrue(relay.isAlive(), "the node exited" + (log.contains("OutOfMemoryError")
            ? " out of memory" : "") + ": " + log.substring(Math.max(0, log.length() - 3000)));
        assertEquals(MESSAGES, sink.messageCount(), "delivered; log " + relay.log());
        int lines = BODY_BYTES / LINE.length();
        for (ReceivedMessage m : sink.messages()) {
          String text = m.text();
          int crlf = text.indexOf("\r\n\r\n");
          int body = crlf >= 0 ? text.length() - crlf - 4 : text.length() - text.indexOf("\n\n") - 2;
          int lineBytes = crlf >= 0 ? LINE.length() : LINE.length() - 1;
          assertEquals(lines * lineBytes, body, "a delivered body is cut or padded");
        }
        assertTrue(sink.maxConcurrentConnections() >= MESSAGES,
            "deliveries ran at once: " + sink.maxConcurrentConnections() + " connections");
      } finally {
        relay.close();
      }
    }
  }

  /** One SMTP session streaming a 30 MiB body, never held whole in memory; the final reply. */
  private static String sendLarge(InetSocketAddress relay, int n) {
    try (Socket socket = new Socket()) {
      socket.connect(relay, 5_000);
      socket.setSoTimeout(120_000);
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
      in.readLine();
      for (String command : List.of("HELO big.test", "MAIL FROM:<big@sender.test>",
          "RCPT TO:<user@dest.test>", "DATA")) {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String reply = in.readLine();
        if (!reply.startsWith("2") && !reply.startsWith("3")) {
          return command + " -> " + reply;
        }
      }
      out.write(("Subject: big-" + n + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] line = LINE.getBytes(StandardCharsets.US_ASCII);
      for (int written = 0; written + line.length <= BODY_BYTES; written += line.length) {
        out.write(line);
      }
      out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return in.readLine();
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static String vmHwm(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return line.substring("VmHWM:".length()).trim();
      }
    }
    return "unknown";
  }

  private static void report(List<String> gcLog, String vmHwm, int connections) {
    long beforeMax = 0;
    long afterMax = 0;
    int collections = 0;
    String heapMax = "unknown";
    for (String line : gcLog) {
      Matcher pause = GC_PAUSE.matcher(line);
      if (pause.find()) {
        collections++;
        beforeMax = Math.max(beforeMax, Long.parseLong(pause.group(1)));
        afterMax = Math.max(afterMax, Long.parseLong(pause.group(2)));
      }
      Matcher max = HEAP_MAX.matcher(line);
      if (max.find()) {
        heapMax = max.group(1) + max.group(2);
      }
    }
    System.out.printf("8 x 30 MiB on the PostgreSQL spool, %d delivery connections at once: heap max %s, "
        + "heap high-water %d MiB (largest before a collection), largest live heap after a "
        + "collection %d MiB, %d collections, process VmHWM %s%n", connections, heapMax,
        beforeMax, afterMax, collections, vmHwm);
  }
}

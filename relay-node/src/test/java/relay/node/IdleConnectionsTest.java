package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Thousands of hostile connections that connect, take their greeting and sit there, from many
 * addresses, while a registered client sends mail: it is greeted within a second and its mail is
 * delivered. 5,000 idle connections (50 from each of 100 loopback addresses) is the issue's
 * figure; the node and the connections share this test's JVM, so its heap grows with them (the
 * growth per connection is printed).
 */
class IdleConnectionsTest {

  private static final int ADDRESSES = 100;
  private static final int PER_ADDRESS = 50;

  @Test
  void aRegisteredClientIsServedWhileThousandsOfConnectionsSitIdle() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.with("relay.smtp.server { max-connections = 6000, unidentified {"
          + " max-connections = 5500, max-connections-per-address = " + PER_ADDRESS + " } }")
          .start();
      long heapBefore = usedHeapAfterGc();
      List<Socket> idle = new ArrayList<>(ADDRESSES * PER_ADDRESS);
      long start = System.nanoTime();
      try {
        for (int a = 1; a <= ADDRESSES; a++) {
          for (int i = 0; i < PER_ADDRESS; i++) {
            idle.add(greetedIdle("127.0.3." + a, relay.smtp()));
          }
        }
        double openSeconds = (System.nanoTime() - start) / 1e9;
        long heapWith = usedHeapAfterGc();
        long greetStart = System.nanoTime();
        try (SmtpDialog c = SmtpDialog.connect(relay.smtp())) {
          assertTrue(c.reply().startsWith("220 "));
          double greetMs = (System.nanoTime() - greetStart) / 1e6;
          c.command("EHLO client.example");
          c.command("MAIL FROM:<a@sender.test>");
          c.command("RCPT TO:<b@dest.test>");
          c.command("DATA");
          assertTrue(c.command("Subject: among idle connections\r\n\r\nhi\r\n.")
              .startsWith("250 2.0.0"));
          System.out.printf("idle connections: %d open in %.1f s; registered client greeted in "
              + "%.1f ms; heap %d -> %d MB (%.1f KB per connection, node and client sides)%n",
              idle.size(), openSeconds, greetMs, heapBefore >> 20, heapWith >> 20,
              (heapWith - heapBefore) / 1024.0 / idle.size());
          assertTrue(greetMs < 1000, "greeted in " + greetMs + " ms");
        }
        assertTrue(relay.sink.awaitMessages(1, Duration.ofSeconds(20)), "delivered meanwhile");
        try (SmtpDialog beyond = SmtpDialog.connectFrom("127.0.3.1", relay.smtp())) {
          assertEquals("421 4.7.0 relay.test Too many connections from your address, closing",
              beyond.reply());
        }
      } finally {
        for (Socket s : idle) {
          s.close();
        }
      }
    }
  }

  /** Connects from {@code from}, reads the 220 and keeps the connection open, silent. */
  private static Socket greetedIdle(String from, InetSocketAddress relay) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(from, 0));
    s.connect(relay, 10_000);
    s.setSoTimeout(10_000);
    InputStream in = s.getInputStream();
    byte[] greeting = new byte[64];
    int n = in.read(greeting);
    String text = n > 0 ? new String(greeting, 0, n, StandardCharsets.US_ASCII) : "<closed>";
    if (!text.startsWith("220 ")) {
      s.close();
      throw new AssertionError(from + " was not greeted: " + text);
    }
    return s;
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}

package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that try to hold a session without doing anything, over real sockets, against
 * deadlines scaled down to seconds: a command line trickled a byte at a time, message content
 * trickled below the minimum rate, a session that outlives its lifetime, a client that sends
 * and never reads its replies, and more connections than the node takes.
 */
class DeadlinesOverSocketTest {

  private static ActorSystem system;

  @BeforeAll
  static void startSystem() {
    system = TestServer.newSystem("deadlines");
  }

  @AfterAll
  static void stopSystem() throws Exception {
    TestServer.stopSystem(system);
  }

  private static TestServer server(Map<String, Object> settings) throws Exception {
    return TestServer.start(system, TestSettings.with(settings), TestServer.REGISTERED);
  }

  @Test
  void aCommandLineTrickledAByteAtATimeIsCutOffAtTheCommandTimeout() throws Exception {
    try (TestServer server = server(Map.of("command-timeout", "2s"));
        SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      assertEquals("250 2.0.0 Ok", c.command("NOOP"));
      long start = System.nanoTime();
      String line = "NOOP " + "x".repeat(100);
      String reply = null;
      for (int i = 0; i < line.length() && reply == null; i++) {
        c.send(line.substring(i, i + 1)); // one byte every 250 ms: never a whole line
        if (c.replyArrivesWithin(250)) {
          reply = c.reply();
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals("421 4.4.2 relay.example Idle timeout, closing", reply);
      assertTrue(seconds >= 1.8 && seconds < 5, "cut off after " + seconds + " s, not per byte");
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void contentBelowTheMinimumRateIsCutOffAndAbortedWhileFastContentPasses() throws Exception {
    try (TestServer server = server(Map.of("data-timeout", "2s", "min-data-rate", 100))) {
      try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
        c.command("EHLO client.example");
        c.command("MAIL FROM:<a@client.example>");
        c.command("RCPT TO:<b@example.org>");
        assertEquals("354 End data with <CR><LF>.<CR><LF>", c.command("DATA"));
        long start = System.nanoTime();
        String reply = null;
        for (int i = 0; i < 200 && reply == null; i++) {
          c.send("x"); // 5 octets a second: 2 s + 5/100 s of allowance, whatever it sends
          if (c.replyArrivesWithin(200)) {
            reply = c.reply();
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals("421 4.4.2 relay.example Idle timeout, closing", reply);
        assertTrue(seconds >= 1.8 && seconds < 5, "cut off after " + seconds + " s");
      }
      awaitNoSession(server);
      assertEquals(1, server.sink.aborted.get(), "the half-received message was discarded");

      try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
        c.command("EHLO client.example");
        c.command("MAIL FROM:<a@client.example>");
        c.command("RCPT TO:<b@example.org>");
        c.command("DATA");
        String line = "y".repeat(98) + "\r\n";
        for (int i = 0; i < 30; i++) {
          c.send(line.repeat(5)); // 500 octets every 100 ms: 5000/s, for 3 s
          Thread.sleep(100);
        }
        assertEquals("250 2.0.0 Ok: queued as Q2", c.command("."));
      }
    }
  }

  @Test
  void aSessionEndsAtItsMaximumTimeBetweenTransactions() throws Exception {
    try (TestServer server = server(Map.of("max-session-time", "3s"));
        SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      long start = System.nanoTime();
      c.command("EHLO client.example");
      String reply = "250 2.0.0 Ok";
      while (reply.startsWith("250")) {
        Thread.sleep(300);
        c.send("MAIL FROM:<a@client.example>\r\n");
        reply = c.reply();
        if (reply.startsWith("250")) {
          reply = c.command("RSET");
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals("421 4.4.2 relay.example Session time limit reached, closing", reply);
      assertTrue(seconds >= 2.8 && seconds < 6, "ended after " + seconds + " s");
      assertTrue(c.closedByServer());
    }
  }

  /**
   * The reproduction: a tiny receive window, then 25,000 pipelined HELP lines and not a
   * byte read. The server stops reading once its backlog of replies is full and aborts the
   * connection after write-timeout, which frees the session.
   */
  @Test
  void aClientThatDoesNotReadIsDisconnectedAfterTheWriteTimeout() throws Exception {
    try (TestServer server = server(Map.of("write-timeout", "2s", "max-junk-commands", 1_000_000,
        "max-pending-output", "16KiB", "socket-send-buffer", "16KiB"))) {
      Socket socket = new Socket();
      socket.setReceiveBufferSize(1024);
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
      AtomicInteger sent = new AtomicInteger();
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = socket.getOutputStream(); // never closed here: that closes the socket
          byte[] help = "HELP\r\n".getBytes(StandardCharsets.US_ASCII);
          for (int i = 0; i < 25_000; i++) {
            out.write(help);
            sent.incrementAndGet();
          }
          out.flush();
        } catch (IOException e) {
          // the server aborted the connection under a blocked write
        }
      }, "non-reading-client");
      writer.setDaemon(true);
      long start = System.nanoTime();
      writer.start();
      long seen = System.nanoTime() + 10_000_000_000L;
      while (server.control.liveSessions() == 0 && System.nanoTime() < seen) {
        Thread.sleep(5);
      }
      assertEquals(1, server.control.liveSessions());
      awaitNoSession(server);
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(seconds >= 1.5 && seconds < 10, "session gone after " + seconds + " s");
      writer.join(10_000);
      System.out.printf("non-reading client: %d of 25000 HELP lines written before the server "
          + "aborted after %.1f s%n", sent.get(), seconds);
      socket.close();
    }
  }

  @Test
  void theConnectionBeyondMaxConnectionsIsRefusedWithoutASession() throws Exception {
    try (TestServer server = server(Map.of("max-connections", 3))) {
      List<SmtpTestClient> open = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          open.add(SmtpTestClient.connect(server.port()));
        }
        try (SmtpTestClient fourth = SmtpTestClient.open(server.port())) {
          assertEquals("421 4.7.0 relay.example Too many connections, closing", fourth.reply());
          assertTrue(fourth.closedByServer());
        }
        assertEquals(3, server.control.openConnections());
        open.remove(0).command("QUIT");
        awaitOpenConnections(server, 2);
        open.add(SmtpTestClient.connect(server.port()));
        assertEquals("250 2.0.0 Ok", open.get(2).command("NOOP"));
      } finally {
        for (SmtpTestClient c : open) {
          c.close();
        }
      }
      awaitOpenConnections(server, 0);
    }
  }

  private static void awaitNoSession(TestServer server) throws InterruptedException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (server.control.liveSessions() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, server.control.liveSessions(), "sessions left open");
  }

  private static void awaitOpenConnections(TestServer server, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (server.control.openConnections() != n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(n, server.control.openConnections());
  }
}

package relay.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.testing.TestCertificates;
import relay.testing.TestCertificates.Issued;
import relay.testing.TestCertificates.KeyForm;

/**
 * The stage under volume and under clients that leave: megabytes both ways through TLS with
 * backpressure, many STARTTLS connections at once, a client closing in the middle of the
 * handshake.
 */
class StartTlsStageLoadTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static ActorSystem system;
  @TempDir
  static Path dir;
  private static ServerTlsContext tls;
  private static SSLContext client;

  @BeforeAll
  static void start() throws Exception {
    system = LineServer.newSystem("StartTlsStageLoadTest");
    Issued ec = TestCertificates.selfSigned(TestCertificates.ec());
    tls = ServerTlsContext.load(TlsSettings.of(List.of(
        TestCertificates.write(dir, "ec", ec, KeyForm.PKCS8))), Clock.systemUTC());
    client = TestCertificates.trusting(ec.certificate());
  }

  @AfterAll
  static void stop() throws Exception {
    LineServer.stop(system);
  }

  @Test
  void megabytesThroughTlsBothWaysArriveWholeAndInOrder() throws Exception {
    int lines = 4000;
    String filler = "x".repeat(990);
    try (LineServer server = new LineServer(system,
        () -> StartTlsStage.startTls(tls.engines(), TIMEOUT));
        Socket socket = TlsClients.connect(server.port())) {
      InputStream plain = socket.getInputStream();
      assertEquals("220 test", TlsClients.readLine(plain));
      TlsClients.write(socket, "STARTTLS\r\n");
      assertEquals("220 go", TlsClients.readLine(plain));
      SSLSocket secure = TlsClients.upgrade(client, socket);

      // the client writes everything before reading anything: the server's replies back up
      // until the client reads, and the stage must neither lose nor reorder a byte meanwhile
      long started = System.nanoTime();
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          StringBuilder batch = new StringBuilder();
          for (int i = 0; i < lines; i++) {
            batch.append(i).append(' ').append(filler).append("\r\n");
            if (batch.length() > 60_000) {
              TlsClients.write(secure, batch.toString());
              batch.setLength(0);
            }
          }
          TlsClients.write(secure, batch + "QUIT\r\n");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      InputStream in = secure.getInputStream();
      for (int i = 0; i < lines; i++) {
        assertEquals("250 secure " + i + " " + filler, TlsClients.readLine(in));
      }
      assertEquals("221 bye", TlsClients.readLine(in));
      writer.get(30, TimeUnit.SECONDS);
      long millis = (System.nanoTime() - started) / 1_000_000;
      System.out.println(lines + " lines of ~1 KB each way through TLS (" + (2 * lines) / 1000
          + " MB in all) in " + millis + " ms");
      assertNull(server.ended.poll(10, TimeUnit.SECONDS).failure());
    }
  }

  @Test
  void manyStartTlsConnectionsAtOnce() throws Exception {
    int connections = 100;
    ExecutorService clients = Executors.newFixedThreadPool(20);
    try (LineServer server = new LineServer(system,
        () -> StartTlsStage.startTls(tls.engines(), TIMEOUT))) {
      long started = System.nanoTime();
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        int n = i;
        results.add(clients.submit(() -> {
          try (Socket socket = TlsClients.connect(server.port())) {
            InputStream plain = socket.getInputStream();
            assertEquals("220 test", TlsClients.readLine(plain));
            TlsClients.write(socket, "STARTTLS\r\n");
            assertEquals("220 go", TlsClients.readLine(plain));
            SSLSocket secure = TlsClients.upgrade(client, socket);
            TlsClients.write(secure, "NOOP " + n + "\r\nQUIT\r\n");
            String reply = TlsClients.readLine(secure.getInputStream());
            assertEquals("221 bye", TlsClients.readLine(secure.getInputStream()));
            return reply;
          }
        }));
      }
      for (int i = 0; i < connections; i++) {
        assertEquals("250 secure NOOP " + i, results.get(i).get(60, TimeUnit.SECONDS));
      }
      long millis = (System.nanoTime() - started) / 1_000_000;
      for (int i = 0; i < connections; i++) {
        ConnIn.TlsEstablished report = server.established.poll(10, TimeUnit.SECONDS);
        assertNotNull(report, "report " + i);
        assertEquals("TLSv1.3", report.tls().protocol());
        assertNull(server.ended.poll(10, TimeUnit.SECONDS).failure());
      }
      System.out.println(connections + " STARTTLS connections, 20 at a time: " + millis
          + " ms, " + (connections * 1000L / Math.max(1, millis)) + " handshakes/s");
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void aClientThatLeavesInTheMiddleOfTheHandshakeIsForgottenAtOnce() throws Exception {
    try (LineServer server = new LineServer(system,
        () -> StartTlsStage.implicitTls(tls.engines(), TIMEOUT));
        Socket socket = TlsClients.connect(server.port())) {
      socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40, 0x01});
      socket.getOutputStream().flush();
      long started = System.nanoTime();
      socket.shutdownOutput(); // half-close: a ClientHello that will never be complete

      assertEquals(0, TlsClients.readToEnd(socket.getInputStream()).length);
      LineServer.Ended ended = server.ended.poll(10, TimeUnit.SECONDS);
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertNotNull(ended);
      assertTrue(millis < TIMEOUT.toMillis() / 2, millis + " ms: not the handshake timeout");
      assertTrue(server.established.isEmpty());
      System.out.println("client gone mid-handshake: connection ended after " + millis
          + " ms (" + ended.failure() + ")");
    }
  }
}

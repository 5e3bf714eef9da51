package relay.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.testing.TestCertificates;
import relay.testing.TestCertificates.Issued;
import relay.testing.TestCertificates.KeyForm;

/**
 * The STARTTLS switch and implicit TLS over real sockets on loopback: Pekko TCP on the server,
 * the stage's client side or the JDK's SSLSocket (or raw bytes) on the client.
 */
class StartTlsStageTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static ActorSystem system;
  @TempDir
  static Path dir;
  private static Issued ec;
  private static Issued rsa;
  private static ServerTlsContext tls;
  private static SSLContext client;

  @BeforeAll
  static void start() throws Exception {
    system = LineServer.newSystem("StartTlsStageTest");
    ec = TestCertificates.selfSigned(TestCertificates.ec());
    rsa = TestCertificates.selfSigned(TestCertificates.rsa());
    tls = ServerTlsContext.load(TlsSettings.of(List.of(
        TestCertificates.write(dir, "ec", ec, KeyForm.TRADITIONAL),
        TestCertificates.write(dir, "rsa", rsa, KeyForm.PKCS8))), Clock.systemUTC());
    client = TestCertificates.trusting(ec.certificate(), rsa.certificate());
  }

  @AfterAll
  static void stop() throws Exception {
    LineServer.stop(system);
  }

  private static LineServer startTlsServer(Duration handshakeTimeout) throws Exception {
    return new LineServer(system, () -> StartTlsStage.startTls(tls.engines(), handshakeTimeout));
  }

  private static LineServer implicitTlsServer(Duration handshakeTimeout) throws Exception {
    return new LineServer(system,
        () -> StartTlsStage.implicitTls(tls.engines(), handshakeTimeout));
  }

  @Test
  void startTlsSwitchesBothSidesToTls13() throws Exception {
    try (LineServer server = startTlsServer(TIMEOUT)) {
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      CompletableFuture<ConnIn.TlsEstablished> clientSaw = new CompletableFuture<>();
      Flow<ConnIn, ConnOut, NotUsed> dialog = Flow.<ConnIn>create().statefulMapConcat(() -> {
        StringBuilder buffer = new StringBuilder();
        return in -> {
          List<ConnOut> out = new ArrayList<>();
          if (in instanceof ConnIn.TlsEstablished report) {
            clientSaw.complete(report);
            return out;
          }
          buffer.append(in instanceof ConnIn.Plain plain ? plain.bytes().utf8String()
              : ((ConnIn.Secure) in).bytes().utf8String());
          for (int end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
            String line = buffer.substring(0, end);
            buffer.delete(0, end + 2);
            lines.add((in instanceof ConnIn.Plain ? "plain: " : "secure: ") + line);
            if (line.equals("220 test")) {
              out.add(bytes("STARTTLS\r\n"));
            } else if (line.equals("220 go")) {
              // the client's half of the rule: drop what else came in clear, then switch
              out.add(new ConnOut.StartTls(ByteString.emptyByteString(), buffer.length()));
              buffer.setLength(0);
              out.add(bytes("HELLO\r\n"));
              return out;
            } else if (line.equals("250 secure HELLO")) {
              out.add(bytes("QUIT\r\n"));
            }
          }
          return out;
        };
      });

      dialog.join(StartTlsStage.startTls(() -> clientEngine(List.of("TLSv1.3")), TIMEOUT)
              .join(Tcp.get(system).outgoingConnection("127.0.0.1", server.port())))
          .run(Materializer.matFromSystem(system));

      List<String> expected = List.of("plain: 220 test", "plain: 220 go",
          "secure: 250 secure HELLO", "secure: 221 bye");
      for (String line : expected) {
        assertEquals(line, lines.poll(10, TimeUnit.SECONDS));
      }
      ConnIn.TlsEstablished atClient = clientSaw.get(10, TimeUnit.SECONDS);
      ConnIn.TlsEstablished atServer = server.established.poll(10, TimeUnit.SECONDS);
      assertNotNull(atServer);
      assertEquals("TLSv1.3", atClient.tls().protocol());
      assertEquals("TLSv1.3", atServer.tls().protocol());
      assertEquals(atClient.tls().cipherSuite(), atServer.tls().cipherSuite());
      assertTrue(atClient.tls().peerCertified());
      BigInteger served = atClient.tls().peerCertificates().get(0).getSerialNumber();
      assertTrue(served.equals(ec.serial()) || served.equals(rsa.serial()), served.toString());
      assertFalse(atServer.tls().peerCertified());
      assertEquals(0, atServer.discardedInput());
      assertEquals("version=TLSv1.3 cipher=" + atServer.tls().cipherSuite(),
          atServer.tls().traceComment());
      assertNull(server.ended.poll(10, TimeUnit.SECONDS).failure());
    }
  }

  @Test
  void plaintextPipelinedAfterStartTlsInOnePacketIsDroppedAndCounted() throws Exception {
    try (LineServer server = startTlsServer(TIMEOUT); Socket socket = TlsClients.connect(
        server.port())) {
      askForTls(socket, "STARTTLS\r\nRSET\r\n");

      SSLSocket secure = TlsClients.upgrade(client, socket);
      TlsClients.write(secure, "NOOP\r\n");

      // the first reply through TLS answers NOOP: RSET was never answered, in clear or in TLS
      assertEquals("250 secure NOOP", TlsClients.readLine(secure.getInputStream()));
      ConnIn.TlsEstablished report = server.established.poll(10, TimeUnit.SECONDS);
      assertNotNull(report);
      assertEquals(6, report.discardedInput()); // "RSET\r\n"
      assertEquals("TLSv1.3", report.tls().protocol());
      TlsClients.write(secure, "QUIT\r\n");
      assertEquals("221 bye", TlsClients.readLine(secure.getInputStream()));
      assertNull(server.ended.poll(10, TimeUnit.SECONDS).failure());
    }
  }

  @Test
  void plaintextSentAfterThe220GoesIntoTheTlsEngineAndIsNeverAnswered() throws Exception {
    try (LineServer server = startTlsServer(TIMEOUT); Socket socket = TlsClients.connect(
        server.port())) {
      InputStream in = askForTls(socket, "STARTTLS\r\n");

      TlsClients.write(socket, "RSET\r\n");

      String rest = new String(TlsClients.readToEnd(in), StandardCharsets.ISO_8859_1);
      assertFalse(rest.contains("250"), rest);
      LineServer.Ended ended = server.ended.poll(10, TimeUnit.SECONDS);
      assertInstanceOf(SSLException.class, ended.failure());
      assertTrue(server.established.isEmpty());
    }
  }

  @Test
  void aHandshakeThatDoesNotCompleteInTimeDropsTheConnection() throws Exception {
    Duration timeout = Duration.ofMillis(500);
    try (LineServer server = startTlsServer(timeout); Socket socket = TlsClients.connect(
        server.port())) {
      InputStream in = askForTls(socket, "STARTTLS\r\n");
      long started = System.nanoTime();

      byte[] rest = TlsClients.readToEnd(in); // the client never sends its ClientHello

      long waitedMillis = (System.nanoTime() - started) / 1_000_000;
      assertEquals(0, rest.length);
      assertTrue(waitedMillis >= 400 && waitedMillis < 5000, waitedMillis + " ms");
      assertInstanceOf(TlsHandshakeTimeoutException.class,
          server.ended.poll(10, TimeUnit.SECONDS).failure());
      System.out.println("handshake timeout of " + timeout.toMillis() + " ms: connection closed "
          + waitedMillis + " ms after the 220");
    }
  }

  @Test
  void implicitTlsFromTheFirstByte() throws Exception {
    try (LineServer server = implicitTlsServer(TIMEOUT);
        SSLSocket socket = TlsClients.connectTls(client, server.port())) {
      InputStream in = socket.getInputStream();
      assertEquals("220 test", TlsClients.readLine(in)); // the greeting came through TLS
      TlsClients.write(socket, "NOOP\r\n");
      assertEquals("250 secure NOOP", TlsClients.readLine(in));
      ConnIn.TlsEstablished report = server.established.poll(10, TimeUnit.SECONDS);
      assertNotNull(report);
      assertEquals(0, report.discardedInput());
      assertEquals("TLSv1.3", report.tls().protocol());
      assertEquals(socket.getSession().getCipherSuite(), report.tls().cipherSuite());
      TlsClients.write(socket, "QUIT\r\n");
      assertEquals("221 bye", TlsClients.readLine(in));
      assertNull(TlsClients.readLine(in)); // closed after the reply
    }
  }

  @Test
  void implicitTlsWithoutAHandshakeTimesOut() throws Exception {
    try (LineServer server = implicitTlsServer(Duration.ofMillis(300));
        Socket socket = TlsClients.connect(server.port())) {
      assertEquals(0, TlsClients.readToEnd(socket.getInputStream()).length);
      assertInstanceOf(TlsHandshakeTimeoutException.class,
          server.ended.poll(10, TimeUnit.SECONDS).failure());
    }
  }

  /**
   * A TLS 1.1 ClientHello written byte by byte (the JDK's own client refuses to offer 1.1 at
   * all): the server answers with a fatal protocol_version alert, never a ServerHello.
   */
  @Test
  void aClientOfferingOnlyTls11IsRefused() throws Exception {
    try (LineServer server = implicitTlsServer(TIMEOUT);
        Socket socket = TlsClients.connect(server.port())) {
      socket.getOutputStream().write(tls11ClientHello());
      socket.getOutputStream().flush();

      byte[] answer = TlsClients.readToEnd(socket.getInputStream());

      assertEquals(7, answer.length, "one alert record, then the end");
      assertEquals(0x15, answer[0], "an alert record, not a ServerHello");
      assertEquals(2, answer[5], "fatal");
      assertEquals(70, answer[6], "protocol_version");
      SSLException failure = assertInstanceOf(SSLException.class,
          server.ended.poll(10, TimeUnit.SECONDS).failure());
      assertTrue(failure.getMessage().contains("TLSv1.1"), failure.getMessage());
      assertTrue(server.established.isEmpty());
    }
  }

  @Test
  void tls12ClientsGetAnEcdheAeadSuiteAndTheCertificateOfTheirKeyType() throws Exception {
    try (LineServer server = implicitTlsServer(TIMEOUT)) {
      List<String> rsaSuites = List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
      List<String> ecdsaSuites = List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
      assertServed(server, rsaSuites, rsa, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
      // the server's order wins: ChaCha20 before AES-128
      assertServed(server, ecdsaSuites, ec, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");

      // CBC (no AEAD) and static RSA (no forward secrecy) are not offered
      assertThrows(SSLHandshakeException.class, () -> TlsClients.connectTls(client,
          server.port(), List.of("TLSv1.2"), List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
              "TLS_RSA_WITH_AES_128_GCM_SHA256")).close());
    }
  }

  private static void assertServed(LineServer server, List<String> suites, Issued expected,
      String suite) throws Exception {
    try (SSLSocket socket = TlsClients.connectTls(client, server.port(), List.of("TLSv1.2"),
        suites)) {
      assertEquals("220 test", TlsClients.readLine(socket.getInputStream()));
      assertEquals("TLSv1.2", socket.getSession().getProtocol());
      assertEquals(suite, socket.getSession().getCipherSuite());
      assertEquals(expected.serial(),
          ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber());
      ConnIn.TlsEstablished report = server.established.poll(10, TimeUnit.SECONDS);
      assertEquals("version=TLSv1.2 cipher=" + suite, report.tls().traceComment());
    }
  }

  @Test
  void aTls12ClientCannotRenegotiate() throws Exception {
    try (LineServer server = implicitTlsServer(TIMEOUT);
        SSLSocket socket = TlsClients.connectTls(client, server.port(), List.of("TLSv1.2"),
            List.of())) {
      InputStream in = socket.getInputStream();
      assertEquals("220 test", TlsClients.readLine(in));

      IOException refused = assertThrows(IOException.class, () -> {
        socket.startHandshake(); // a renegotiation: a new ClientHello inside the session
        TlsClients.write(socket, "NOOP\r\n");
        String line = TlsClients.readLine(in);
        if (line == null) {
          throw new IOException("closed");
        }
      });
      System.out.println("renegotiation refused: " + refused);
    }
  }

  /** Reads the greeting, writes {@code command} in one packet, reads the 220 to STARTTLS. */
  private static InputStream askForTls(Socket socket, String command) throws IOException {
    InputStream in = socket.getInputStream();
    assertEquals("220 test", TlsClients.readLine(in));
    TlsClients.write(socket, command);
    assertEquals("220 go", TlsClients.readLine(in));
    return in;
  }

  private static byte[] tls11ClientHello() {
    ByteString body = ByteString.fromArray(new byte[] {0x03, 0x02}) // client_version TLS 1.1
        .concat(ByteString.fromArray(new byte[32])) // random
        .concat(ByteString.fromArray(new byte[] {0x00})) // no session id
        .concat(ByteString.fromArray(new byte[] {0x00, 0x04, (byte) 0xc0, 0x13, (byte) 0xc0,
            0x14})) // ECDHE_RSA with AES_128/256_CBC_SHA
        .concat(ByteString.fromArray(new byte[] {0x01, 0x00})); // null compression
    ByteString handshake = ByteString.fromArray(new byte[] {0x01, 0x00,
        (byte) (body.size() >> 8), (byte) body.size()}).concat(body);
    return ByteString.fromArray(new byte[] {0x16, 0x03, 0x01, (byte) (handshake.size() >> 8),
        (byte) handshake.size()}).concat(handshake).toArray();
  }

  private static SSLEngine clientEngine(List<String> protocols) {
    SSLEngine engine = client.createSSLEngine("localhost", 0);
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    parameters.setProtocols(protocols.toArray(String[]::new));
    engine.setSSLParameters(parameters);
    return engine;
  }

  private static ConnOut bytes(String text) {
    return new ConnOut.Bytes(ByteString.fromString(text));
  }
}

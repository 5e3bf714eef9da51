package relay.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.testing.TestCertificates;
import relay.testing.TestCertificates.Issued;
import relay.testing.TestCertificates.KeyForm;

/**
 * Another TLS implementation against the stage: {@code openssl s_client} (OpenSSL 3, installed by
 * .ci/run) with {@code -starttls smtp} and implicit TLS, TLS 1.3 and 1.2 with ChaCha20, and
 * refused with TLS 1.1 and with a CBC-only cipher list.
 */
class OpensslInteropTest {

  private static ActorSystem system;
  private static ServerTlsContext tls;
  private static Issued rsa;

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    system = LineServer.newSystem("OpensslInteropTest");
    Issued ec = TestCertificates.selfSigned(TestCertificates.ec());
    rsa = TestCertificates.selfSigned(TestCertificates.rsa());
    tls = ServerTlsContext.load(TlsSettings.of(List.of(
        TestCertificates.write(dir, "ec", ec, KeyForm.TRADITIONAL),
        TestCertificates.write(dir, "rsa", rsa, KeyForm.TRADITIONAL))), Clock.systemUTC());
  }

  @AfterAll
  static void stop() throws Exception {
    LineServer.stop(system);
  }

  @Test
  void startTlsSmtpWithTls13() throws Exception {
    try (LineServer server = new LineServer(system,
        () -> StartTlsStage.startTls(tls.engines(), Duration.ofSeconds(10)))) {
      // s_client sends EHLO, finds no STARTTLS in "250 plain EHLO ..." and tries anyway
      String out = openssl(server.port(), List.of("-starttls", "smtp", "-tls1_3"));
      assertTrue(out.contains("Protocol version: TLSv1.3"), out);
      assertTrue(out.contains("250 secure NOOP"), out);
      assertTrue(out.contains("221 bye"), out);
    }
  }

  @Test
  void implicitTlsWithTls12AndChacha20() throws Exception {
    try (LineServer server = new LineServer(system,
        () -> StartTlsStage.implicitTls(tls.engines(), Duration.ofSeconds(10)))) {
      String out = openssl(server.port(),
          List.of("-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305"));
      assertTrue(out.contains("Protocol version: TLSv1.2"), out);
      assertTrue(out.contains("Ciphersuite: ECDHE-RSA-CHACHA20-POLY1305"), out);
      assertTrue(out.contains("250 secure NOOP"), out);
    }
  }

  @Test
  void tls11AndCbcOnlyClientsAreRefused() throws Exception {
    try (LineServer server = new LineServer(system,
        () -> StartTlsStage.implicitTls(tls.engines(), Duration.ofSeconds(10)))) {
      // OpenSSL 3 offers TLS 1.1 only at security level 0
      String old = openssl(server.port(), List.of("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"));
      assertTrue(old.contains("alert protocol version"), old);
      assertTrue(!old.contains("220 test"), old);

      String cbc = openssl(server.port(), List.of("-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA256"));
      assertTrue(cbc.contains("alert handshake failure"), cbc);
      assertTrue(!cbc.contains("220 test"), cbc);
    }
  }

  /** Runs s_client against 127.0.0.1:port, sends NOOP and QUIT, returns everything it printed. */
  private static String openssl(int port, List<String> options) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
        "127.0.0.1:" + port, "-brief", "-crlf", "-ign_eof"));
    command.addAll(options);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().write("NOOP\nQUIT\n".getBytes(StandardCharsets.US_ASCII));
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "s_client still running: " + out);
    return out;
  }
}

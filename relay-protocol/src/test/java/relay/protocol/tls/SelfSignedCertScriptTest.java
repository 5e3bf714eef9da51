package relay.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.testing.TestCertificates;

/**
 * ops/bin/relay-selfsigned-cert (bash + openssl) writes a pair the relay loads and serves: ECDSA
 * by default, RSA with --rsa, the key mode 0600, names a client checks (localhost).
 */
class SelfSignedCertScriptTest {

  private static final Path SCRIPT = Path.of("..", "ops", "bin", "relay-selfsigned-cert");

  @TempDir
  Path dir;

  @Test
  void writesPairsTheRelayLoadsAndServes() throws Exception {
    ActorSystem system = LineServer.newSystem("SelfSignedCertScriptTest");
    try {
      for (String kind : List.of("EC", "RSA")) {
        Path out = dir.resolve(kind);
        run(kind.equals("RSA") ? List.of("--rsa", "relay.example.test", out.toString())
            : List.of("relay.example.test", out.toString()));
        TlsSettings.KeyPairFiles files = new TlsSettings.KeyPairFiles(out.resolve("cert.pem"),
            out.resolve("key.pem"));
        assertEquals("rw-------", PosixFilePermissions.toString(
            Files.getPosixFilePermissions(files.privateKey())));

        ServerTlsContext tls = ServerTlsContext.load(TlsSettings.of(List.of(files)),
            Clock.systemUTC());
        X509Certificate certificate = tls.certificates().get(0);
        assertEquals(kind, certificate.getPublicKey().getAlgorithm());
        assertEquals("CN=relay.example.test", certificate.getSubjectX500Principal().getName());

        try (LineServer server = new LineServer(system,
            () -> StartTlsStage.implicitTls(tls.engines(), Duration.ofSeconds(10)));
            SSLSocket socket = TlsClients.connectTls(TestCertificates.trusting(certificate),
                server.port())) { // checks the name localhost against the subjectAltNames
          assertEquals("220 test", TlsClients.readLine(socket.getInputStream()));
          assertEquals("TLSv1.3", socket.getSession().getProtocol());
        }
      }
      // an existing pair is kept unless --force
      Path ec = dir.resolve("EC");
      byte[] before = Files.readAllBytes(ec.resolve("key.pem"));
      assertEquals(2, exitCode(List.of("relay.example.test", ec.toString())));
      assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(ec.resolve("key.pem"))));
      assertEquals(0, exitCode(List.of("--force", "relay.example.test", ec.toString())));
      assertEquals(2, exitCode(List.of("not a host", dir.resolve("x").toString())));
    } finally {
      LineServer.stop(system);
    }
  }

  private static void run(List<String> arguments) throws Exception {
    assertEquals(0, exitCode(arguments));
  }

  private static int exitCode(List<String> arguments) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(arguments);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "script still running: " + output);
    System.out.print(output);
    return process.exitValue();
  }
}

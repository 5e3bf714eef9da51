package relay.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
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
 * Reloading the server's key material: files replaced under a running listener, seen by new
 * connections (the certificate's serial number tells which), not by open ones; broken files keep
 * the current material.
 */
class ServerTlsContextTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Issued A = TestCertificates.selfSigned(TestCertificates.ec());
  private static final Issued B = TestCertificates.selfSigned(TestCertificates.ec());
  private static final Issued C = TestCertificates.selfSigned(TestCertificates.rsa());
  private static final SSLContext CLIENT =
      TestCertificates.trusting(A.certificate(), B.certificate(), C.certificate());

  private static ActorSystem system;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    system = LineServer.newSystem("ServerTlsContextTest");
  }

  @AfterAll
  static void stop() throws Exception {
    LineServer.stop(system);
  }

  @Test
  void newConnectionsSeeReplacedFilesAndOpenOnesKeepTheirs() throws Exception {
    TlsSettings.KeyPairFiles files = TestCertificates.write(dir, "server", A, KeyForm.PKCS8);
    ServerTlsContext tls = load(files, Duration.ZERO);
    try (LineServer server = implicitTls(tls);
        SSLSocket before = TlsClients.connectTls(CLIENT, server.port())) {
      assertEquals("220 test", TlsClients.readLine(before.getInputStream()));
      assertEquals(A.serial(), served(before));

      replace(files, B, KeyForm.TRADITIONAL);

      try (SSLSocket after = TlsClients.connectTls(CLIENT, server.port())) {
        assertEquals("220 test", TlsClients.readLine(after.getInputStream()));
        assertEquals(B.serial(), served(after));
      }
      // the connection opened before still works, on its own session
      TlsClients.write(before, "NOOP\r\n");
      assertEquals("250 secure NOOP", TlsClients.readLine(before.getInputStream()));
      assertEquals(A.serial(), served(before));
      assertEquals(List.of(B.serial()), serials(tls));
    }
  }

  @Test
  void aBrokenNewFileKeepsTheCurrentMaterialUntilAGoodOneComes() throws Exception {
    TlsSettings.KeyPairFiles files = TestCertificates.write(dir, "server", A, KeyForm.PKCS8);
    ServerTlsContext tls = load(files, Duration.ZERO);
    try (LineServer server = implicitTls(tls)) {
      // a key file cut short
      String key = Files.readString(files.privateKey());
      TestCertificates.writeAtomically(files.privateKey(), key.substring(0, key.length() / 2));
      assertEquals(ServerTlsContext.Reload.FAILED, tls.reloadIfChanged());
      assertEquals(ServerTlsContext.Reload.UNCHANGED, tls.reloadIfChanged()); // logged once
      assertEquals(A.serial(), servedToNewConnection(server));

      // a new certificate whose key has not arrived yet: a mismatch, still A
      TestCertificates.writeAtomically(files.certificateChain(),
          TestCertificates.pem(C.certificate()));
      TestCertificates.writeAtomically(files.privateKey(),
          TestCertificates.keyPem(B.keys(), KeyForm.PKCS8));
      assertEquals(ServerTlsContext.Reload.FAILED, tls.reloadIfChanged());
      assertEquals(A.serial(), servedToNewConnection(server));

      // the key follows: C from now on (RSA replacing EC)
      TestCertificates.writeAtomically(files.privateKey(),
          TestCertificates.keyPem(C.keys(), KeyForm.TRADITIONAL));
      assertEquals(C.serial(), servedToNewConnection(server));
      assertEquals(List.of(C.serial()), serials(tls));

      // a deleted file is an error too, and the current material stays
      Files.delete(files.privateKey());
      assertEquals(ServerTlsContext.Reload.FAILED, tls.reloadIfChanged());
      assertEquals(C.serial(), servedToNewConnection(server));
    }
  }

  @Test
  void filesAreCheckedAtMostEveryInterval() throws Exception {
    TlsSettings.KeyPairFiles files = TestCertificates.write(dir, "server", A, KeyForm.PKCS8);
    ServerTlsContext tls = load(files, Duration.ofHours(1));
    try (LineServer server = implicitTls(tls)) {
      replace(files, B, KeyForm.PKCS8);
      assertEquals(A.serial(), servedToNewConnection(server)); // not checked yet

      assertEquals(ServerTlsContext.Reload.RELOADED, tls.reloadIfChanged());
      assertEquals(B.serial(), servedToNewConnection(server));

      // touched but the same contents: nothing to reload
      Files.setLastModifiedTime(files.certificateChain(),
          FileTime.from(Instant.now().plusSeconds(5)));
      assertEquals(ServerTlsContext.Reload.UNCHANGED, tls.reloadIfChanged());
    }
  }

  @Test
  void servesAnRsaAndAnEcdsaPairSideBySide() throws Exception {
    ServerTlsContext tls = ServerTlsContext.load(TlsSettings.of(List.of(
        TestCertificates.write(dir, "ec", A, KeyForm.TRADITIONAL),
        TestCertificates.write(dir, "rsa", C, KeyForm.PKCS8))), Clock.systemUTC());
    assertEquals(List.of(A.serial(), C.serial()), serials(tls));
    Set<String> enabled = Set.of(tls.newEngine().getEnabledProtocols());
    assertEquals(Set.of("TLSv1.3", "TLSv1.2"), enabled);
    assertTrue(tls.newEngine().getSSLParameters().getUseCipherSuitesOrder());
    assertEquals(TlsSettings.DEFAULT_CIPHER_SUITES,
        List.of(tls.newEngine().getEnabledCipherSuites()));
  }

  @Test
  void aMissingFileAtStartIsAnErrorNamingIt() {
    Path chain = dir.resolve("absent-cert.pem");
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> ServerTlsContext.load(TlsSettings.of(List.of(new TlsSettings.KeyPairFiles(chain,
            dir.resolve("absent-key.pem")))), Clock.systemUTC()));
    assertEquals(chain + ": no such file", e.getMessage());
  }

  private static ServerTlsContext load(TlsSettings.KeyPairFiles files, Duration interval)
      throws TlsMaterialException {
    return ServerTlsContext.load(TlsSettings.of(List.of(files)).withReloadCheckInterval(interval),
        Clock.systemUTC());
  }

  private static LineServer implicitTls(ServerTlsContext tls) throws Exception {
    return new LineServer(system, () -> StartTlsStage.implicitTls(tls.engines(), TIMEOUT));
  }

  /** Replaces both files, the chain first, as a renewal tool does. */
  private static void replace(TlsSettings.KeyPairFiles files, Issued issued, KeyForm form)
      throws Exception {
    TestCertificates.writeAtomically(files.certificateChain(),
        TestCertificates.pem(issued.certificate()));
    TestCertificates.writeAtomically(files.privateKey(),
        TestCertificates.keyPem(issued.keys(), form));
  }

  private static BigInteger servedToNewConnection(LineServer server) throws Exception {
    try (SSLSocket socket = TlsClients.connectTls(CLIENT, server.port())) {
      assertEquals("220 test", TlsClients.readLine(socket.getInputStream()));
      return served(socket);
    }
  }

  private static BigInteger served(SSLSocket socket) throws Exception {
    return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
  }

  private static List<BigInteger> serials(ServerTlsContext tls) {
    return tls.certificates().stream().map(X509Certificate::getSerialNumber).toList();
  }
}

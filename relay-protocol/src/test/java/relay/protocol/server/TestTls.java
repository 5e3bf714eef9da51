package relay.protocol.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import relay.protocol.tls.ServerTlsContext;
import relay.protocol.tls.TlsSettings;
import relay.testing.TestCertificates;

/**
 * A self-signed ECDSA certificate for "localhost" written as PEM files, the server context made
 * of them, and a client context that trusts exactly that certificate.
 */
final class TestTls {

  final Path dir;
  final TlsSettings.KeyPairFiles files;
  final ServerTlsContext server;
  final SSLContext client;

  private TestTls(Path dir, TlsSettings.KeyPairFiles files, ServerTlsContext server,
      SSLContext client) {
    this.dir = dir;
    this.files = files;
    this.server = server;
    this.client = client;
  }

  /** Material in a new temporary directory; {@code handshakeTimeout} for the server. */
  static TestTls create(Duration handshakeTimeout) throws Exception {
    Path dir = Files.createTempDirectory("relay-tls-");
    TestCertificates.Issued issued = TestCertificates.selfSigned(TestCertificates.ec());
    TlsSettings.KeyPairFiles files = TestCertificates.write(dir, "server", issued,
        TestCertificates.KeyForm.PKCS8);
    ServerTlsContext server = ServerTlsContext.load(
        TlsSettings.of(List.of(files)).withHandshakeTimeout(handshakeTimeout), Clock.systemUTC());
    return new TestTls(dir, files, server, TestCertificates.trusting(issued.certificate()));
  }

  /** The certificate chain file, for clients that take a CA file (swaks, openssl). */
  Path certificateFile() {
    return files.certificateChain();
  }
}

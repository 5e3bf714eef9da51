package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import relay.protocol.tls.PemKeyPair;
import relay.protocol.tls.TlsSettings;
import relay.testing.TestCertificates;

/**
 * Certificate renewal on a running node (issue 12: "reloaded when the files change, with no
 * restart"): ops/bin/relay-selfsigned-cert writes an ECDSA pair, a client on the implicit-TLS
 * port keeps its connection open while the script replaces the pair with an RSA one; the next
 * connection, on both the implicit and the STARTTLS port, gets the new certificate and the open
 * one goes on with the old; a broken key file then changes nothing.
 */
class TlsReloadNodeTest {

  @Test
  void renewedCertificateFilesAreServedWithoutARestart() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      Path tls = relay.dataDir.resolve("tls");
      TlsSettings.KeyPairFiles files = new TlsSettings.KeyPairFiles(tls.resolve("cert.pem"),
          tls.resolve("key.pem"));
      script("relay.test", tls.toString());
      X509Certificate first = certificate(files);
      relay.with("relay.tls.certificates = [ { chain = \"" + files.certificateChain()
              + "\", key = \"" + files.privateKey() + "\" } ]")
          .with("relay.tls.reload-check-interval = 0s")
          .with("relay.listeners = [\n"
              + "{ name = smtp, host = \"127.0.0.1\", port = 0, tls = starttls }\n"
              + "{ name = submissions, host = \"127.0.0.1\", port = 0, tls = implicit } ]")
          .start();
      InetSocketAddress starttls = relay.node().smtpAddresses().get(0);
      InetSocketAddress implicit = relay.node().smtpAddresses().get(1);

      try (SSLSocket before = connect(TestCertificates.trusting(first), implicit)) {
        assertEquals(first.getSerialNumber(), served(before));

        script("--rsa", "--force", "relay.test", tls.toString());
        X509Certificate renewed = certificate(files);
        assertNotEquals(first.getSerialNumber(), renewed.getSerialNumber());
        SSLContext trustsRenewed = TestCertificates.trusting(renewed);

        try (SSLSocket after = connect(trustsRenewed, implicit)) {
          assertEquals(renewed.getSerialNumber(), served(after));
          assertEquals("RSA", after.getSession().getPeerCertificates()[0].getPublicKey()
              .getAlgorithm());
        }
        assertEquals(renewed.getSerialNumber(), servedAfterStartTls(trustsRenewed, starttls));

        // the connection made before the renewal still talks, on its own certificate
        assertTrue(command(before, "NOOP").startsWith("250 "));
        assertEquals(first.getSerialNumber(), served(before));
        assertTrue(command(before, "QUIT").startsWith("221 "));

        // a key file written half: the renewed certificate stays in use
        String key = Files.readString(files.privateKey());
        Files.writeString(files.privateKey(), key.substring(0, key.length() / 2));
        try (SSLSocket broken = connect(trustsRenewed, implicit)) {
          assertEquals(renewed.getSerialNumber(), served(broken));
        }
      }
    }
  }

  private static void script(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        OpsScript.ROOT.resolve("ops/bin/relay-selfsigned-cert").toString()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
    assertEquals(0, process.exitValue(), output);
  }

  private static X509Certificate certificate(TlsSettings.KeyPairFiles files) throws Exception {
    return PemKeyPair.load(files, Clock.systemUTC()).certificate();
  }

  /** Implicit TLS, checking the name localhost; returns once the greeting was read. */
  private static SSLSocket connect(SSLContext trust, InetSocketAddress to) throws IOException {
    SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket("localhost",
        to.getPort());
    socket.setSoTimeout(10_000);
    var parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    assertTrue(reply(socket.getInputStream()).startsWith("220 "));
    return socket;
  }

  private static BigInteger servedAfterStartTls(SSLContext trust, InetSocketAddress to)
      throws IOException {
    try (java.net.Socket plain = new java.net.Socket("127.0.0.1", to.getPort())) {
      plain.setSoTimeout(10_000);
      InputStream in = plain.getInputStream();
      assertTrue(reply(in).startsWith("220 "));
      plain.getOutputStream().write("EHLO app.client.test\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(reply(in).startsWith("250 "));
      plain.getOutputStream().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(reply(in).startsWith("220 "));
      SSLSocket secure = (SSLSocket) trust.getSocketFactory().createSocket(plain, "localhost",
          to.getPort(), false);
      var parameters = secure.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      secure.setSSLParameters(parameters);
      secure.startHandshake();
      return served(secure);
    }
  }

  private static String command(SSLSocket socket, String line) throws IOException {
    socket.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return reply(socket.getInputStream());
  }

  /** The last line of one reply (lines "NNN-..." continue it), read byte by byte. */
  private static String reply(InputStream in) throws IOException {
    while (true) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("closed after " + line);
        }
        if (b != '\r') {
          line.write(b);
        }
      }
      String text = line.toString(StandardCharsets.US_ASCII);
      if (text.length() < 4 || text.charAt(3) != '-') {
        return text;
      }
    }
  }

  private static BigInteger served(SSLSocket socket) throws IOException {
    return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
  }
}

package relay.protocol.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Blocking test clients over real sockets: a line is read byte by byte, so nothing beyond it is
 * taken from the socket before a TLS upgrade.
 */
final class TlsClients {

  private TlsClients() {}

  static Socket connect(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Reads one line (without CRLF); null at the end of the stream. */
  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  static void write(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII)); // one write: one segment on loopback
    out.flush();
  }

  /** TLS over an open connection (after STARTTLS), checking the name "localhost". */
  static SSLSocket upgrade(SSLContext context, Socket plain, List<String> protocols,
      List<String> suites) throws IOException {
    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost",
        plain.getPort(), true);
    configure(tls, protocols, suites);
    tls.startHandshake();
    return tls;
  }

  static SSLSocket upgrade(SSLContext context, Socket plain) throws IOException {
    return upgrade(context, plain, List.of("TLSv1.3", "TLSv1.2"), List.of());
  }

  /** TLS from the first byte (implicit TLS). */
  static SSLSocket connectTls(SSLContext context, int port, List<String> protocols,
      List<String> suites) throws IOException {
    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket("localhost", port);
    tls.setSoTimeout(10_000);
    configure(tls, protocols, suites);
    tls.startHandshake();
    return tls;
  }

  static SSLSocket connectTls(SSLContext context, int port) throws IOException {
    return connectTls(context, port, List.of("TLSv1.3", "TLSv1.2"), List.of());
  }

  private static void configure(SSLSocket tls, List<String> protocols, List<String> suites) {
    SSLParameters parameters = tls.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    parameters.setProtocols(protocols.toArray(String[]::new));
    if (!suites.isEmpty()) {
      parameters.setCipherSuites(suites.toArray(String[]::new));
    }
    tls.setSSLParameters(parameters);
  }

  /** Everything the peer sends until it closes (or resets) the connection. */
  static byte[] readToEnd(InputStream in) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    try {
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        all.write(chunk, 0, n);
      }
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("the connection was not closed within the read timeout", e);
    } catch (IOException e) {
      // a reset ends it too
    }
    return all.toByteArray();
  }
}

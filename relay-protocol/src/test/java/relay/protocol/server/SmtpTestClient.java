package relay.protocol.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A raw SMTP dialog over a real socket: write exactly the bytes a test wants (pipelined batches,
 * bare LFs, NULs, over-long lines) and read replies line by line.
 */
final class SmtpTestClient implements AutoCloseable {

  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private int pushedBack = -1;

  private SmtpTestClient(Socket socket) throws IOException {
    this.socket = socket;
    this.socket.setSoTimeout(10_000);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects and checks the 220 greeting. */
  static SmtpTestClient connect(int port) throws IOException {
    SmtpTestClient client = new SmtpTestClient(new Socket("127.0.0.1", port));
    String greeting = client.reply();
    if (!greeting.startsWith("220 ")) {
      client.close();
      throw new AssertionError("greeting was " + greeting);
    }
    return client;
  }

  /** Connects with TLS from the first byte (implicit TLS) and checks the 220 greeting. */
  static SmtpTestClient connectTls(int port, SSLContext context) throws IOException {
    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    tls.setSoTimeout(10_000);
    tls.startHandshake();
    SmtpTestClient client = new SmtpTestClient(tls);
    String greeting = client.reply();
    if (!greeting.startsWith("220 ")) {
      client.close();
      throw new AssertionError("greeting was " + greeting);
    }
    return client;
  }

  /**
   * The TLS handshake over this connection (after the 220 to STARTTLS); nothing was read past
   * that reply, so nothing the server sent in clear afterwards can be taken for a reply.
   */
  void startTls(SSLContext context) throws IOException {
    if (pushedBack >= 0) {
      throw new AssertionError("bytes in clear after the 220 to STARTTLS");
    }
    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "localhost",
        socket.getPort(), true);
    tls.setSoTimeout(10_000);
    tls.startHandshake();
    socket = tls;
    in = tls.getInputStream();
    out = tls.getOutputStream();
  }

  /** The TLS session, once there is one. */
  SSLSession tlsSession() {
    return ((SSLSocket) socket).getSession();
  }

  /** Connects without reading anything. */
  static SmtpTestClient open(int port) throws IOException {
    return new SmtpTestClient(new Socket("127.0.0.1", port));
  }

  void send(String text) throws IOException {
    sendBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  void sendBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends one command line with CRLF and returns the last line of its reply. */
  String command(String line) throws IOException {
    send(line + "\r\n");
    return reply();
  }

  /** Reads one reply and returns its last line, e.g. "250 2.1.5 Ok". */
  String reply() throws IOException {
    List<String> lines = replyLines();
    return lines.get(lines.size() - 1);
  }

  /** Reads one (possibly multi-line) reply. */
  List<String> replyLines() throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = readLine();
      if (line == null) {
        throw new AssertionError("connection closed; reply so far: " + lines);
      }
      lines.add(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return lines;
      }
    }
  }

  /** Reads {@code n} replies and returns their last lines. */
  List<String> replies(int n) throws IOException {
    List<String> replies = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      replies.add(reply());
    }
    return replies;
  }

  /** Whether any reply octet arrives within {@code millis} (it is kept for the next read). */
  boolean replyArrivesWithin(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      int b = in.read();
      if (b < 0) {
        return false;
      }
      pushedBack = b;
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } finally {
      socket.setSoTimeout(10_000);
    }
  }

  /** Whether the server closed the connection (end of stream) before sending anything more. */
  boolean closedByServer() throws IOException {
    try {
      return read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset counts as closed
    }
  }

  private int read() throws IOException {
    if (pushedBack >= 0) {
      int b = pushedBack;
      pushedBack = -1;
      return b;
    }
    return in.read();
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1
            : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      line.write(b);
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

package relay.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A raw SMTP client over a socket for tests: write lines exactly, read whole replies. */
final class SmtpDialog implements AutoCloseable {

  private Socket socket;
  private BufferedReader in;
  private OutputStream out;

  private SmtpDialog(Socket socket) throws IOException {
    this.socket = socket;
    this.socket.setSoTimeout(20_000);
    this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    this.out = socket.getOutputStream();
  }

  /**
   * After a 220 to STARTTLS: the TLS handshake over this connection with {@code tls}, checking
   * the certificate for {@code host}; what follows is read and written through TLS.
   */
  SmtpDialog startTls(SSLContext tls, String host) throws IOException {
    SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, host,
        socket.getPort(), true);
    secure.startHandshake();
    socket = secure;
    in = new BufferedReader(new InputStreamReader(secure.getInputStream(), StandardCharsets.UTF_8));
    out = secure.getOutputStream();
    return this;
  }

  /**
   * One message in one session from the registered client: EHLO, MAIL, RCPT (each must get a
   * 2xx or 3xx), DATA with {@code message} (headers, empty line, body; CRLF lines, without the
   * final dot); returns the reply to the end of data.
   */
  static String sendOne(InetSocketAddress relay, String from, String to, String message)
      throws IOException {
    try (SmtpDialog smtp = connect(relay)) {
      smtp.reply();
      smtp.command("EHLO app.client.test");
      for (String command : List.of("MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">", "DATA")) {
        String reply = smtp.command(command);
        if (!reply.startsWith("2") && !reply.startsWith("3")) {
          throw new AssertionError(command + " -> " + reply);
        }
      }
      String reply = smtp.send(message + ".\r\n").reply();
      smtp.command("QUIT");
      return reply;
    }
  }

  static SmtpDialog connect(InetSocketAddress relay) throws IOException {
    return connectFrom(null, relay);
  }

  /** Connects from a chosen local address (e.g. 127.0.0.9, an unregistered client). */
  static SmtpDialog connectFrom(String localAddress, InetSocketAddress relay) throws IOException {
    Socket socket = new Socket();
    if (localAddress != null) {
      socket.bind(new InetSocketAddress(localAddress, 0));
    }
    socket.connect(relay, 5_000);
    return new SmtpDialog(socket);
  }

  /** Sends raw text as is (the caller writes the CRLFs). */
  SmtpDialog send(String raw) throws IOException {
    out.write(raw.getBytes(StandardCharsets.UTF_8));
    out.flush();
    return this;
  }

  /** Reads one reply; returns its lines joined by "\n". */
  String reply() throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = in.readLine();
      if (line == null) {
        return lines.isEmpty() ? "<closed>" : String.join("\n", lines);
      }
      lines.add(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return String.join("\n", lines);
      }
    }
  }

  /** Whether nothing arrives from the relay within {@code millis}; what arrives is kept. */
  boolean idleFor(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      in.mark(1 << 16);
      if (in.read() >= 0) {
        in.reset();
      }
      return false;
    } catch (SocketTimeoutException e) {
      return true;
    } finally {
      socket.setSoTimeout(20_000);
    }
  }

  /** Sends one command line and returns the reply. */
  String command(String line) throws IOException {
    send(line + "\r\n");
    return reply();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

package relay.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One message sent in its own SMTP session, for storage-fault tests: what the relay answered
 * (the first reply that was not positive, or the reply to the end of DATA) and how long the
 * whole attempt took. A reply that does not come within the read timeout is the reply
 * "<timeout>".
 */
record MessageAttempt(String reply, Duration took) {

  boolean accepted() {
    return reply.startsWith("250");
  }

  /** Sends {@code Subject: <subject>} with {@code bodyBytes} of text to {@code rcpt}. */
  static MessageAttempt send(InetSocketAddress relay, String rcpt, String subject, int bodyBytes,
      Duration readTimeout) throws IOException {
    long started = System.nanoTime();
    String reply = dialog(relay, rcpt, subject, bodyBytes, readTimeout);
    return new MessageAttempt(reply, Duration.ofNanos(System.nanoTime() - started));
  }

  private static String dialog(InetSocketAddress relay, String rcpt, String subject, int bodyBytes,
      Duration readTimeout) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(relay, 5_000);
      socket.setSoTimeout((int) readTimeout.toMillis());
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      String[] commands = {null, "EHLO probe.test", "MAIL FROM:<probe@sender.test>",
          "RCPT TO:<" + rcpt + ">", "DATA"};
      for (String command : commands) {
        if (command != null) {
          out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
        String reply = reply(in);
        if (!reply.startsWith("2") && !reply.startsWith("3")) {
          return reply;
        }
      }
      StringBuilder body = new StringBuilder("Subject: " + subject + "\r\n\r\n");
      String line = "x".repeat(76) + "\r\n";
      while (body.length() < bodyBytes) {
        body.append(line);
      }
      out.write(body.append(".\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String reply = reply(in);
      try {
        out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      } catch (IOException ignored) {
        // closed after a 421: nothing to say
      }
      return reply;
    } catch (SocketTimeoutException e) {
      return "<timeout>";
    }
  }

  private static String reply(BufferedReader in) throws IOException {
    StringBuilder reply = new StringBuilder();
    while (true) {
      String line = in.readLine();
      if (line == null) {
        return reply.length() == 0 ? "<closed>" : reply.toString();
      }
      reply.append(reply.length() == 0 ? "" : "\n").append(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return reply.toString();
      }
    }
  }
}

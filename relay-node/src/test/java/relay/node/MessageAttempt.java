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
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import relay.testing.ReceivedMessage;

/**
 * One message sent in its own SMTP session, for storage-fault tests: what the relay answered
 * (the first reply that was not positive, or the reply to the end of DATA) and how long the
 * whole attempt took. A reply that does not come within the read timeout is the reply
 * "<timeout>".
 */
record MessageAttempt(String reply, Duration took) {

  /** How long {@link #sendUntilAccepted} waits for each reply. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern SUBJECT = Pattern.compile("(?m)^Subject: (\\S+)\r?$");

  boolean accepted() {
    return reply.startsWith("250");
  }

  /** Sends {@code Subject: <subject>} with {@code bodyBytes} of text to {@code rcpt}. */
  static MessageAttempt send(InetSocketAddress relay, String rcpt, String subject, int bodyBytes,
      Duration readTimeout) throws IOException {
    return send(relay, rcpt, subject, "", bodyBytes, readTimeout);
  }

  /**
   * The same with a {@code Message-ID: <subject@sender.test>} header: a resend of it is the same
   * client message, which the relay recognises.
   */
  static MessageAttempt sendWithMessageId(InetSocketAddress relay, String rcpt, String subject,
      Duration readTimeout) throws IOException {
    return send(relay, rcpt, subject, "Message-ID: <" + subject + "@sender.test>\r\n", 2_000,
        readTimeout);
  }

  private static MessageAttempt send(InetSocketAddress relay, String rcpt, String subject,
      String headers, int bodyBytes, Duration readTimeout) throws IOException {
    long started = System.nanoTime();
    String reply = dialog(relay, rcpt, subject, headers, bodyBytes, readTimeout);
    return new MessageAttempt(reply, Duration.ofNanos(System.nanoTime() - started));
  }

  /** Sends again every second until the relay accepts or the time is up; the last attempt. */
  static MessageAttempt sendUntilAccepted(InetSocketAddress relay, String rcpt, String subject,
      Duration timeout) throws Exception {
    return sendUntilAccepted(() -> send(relay, rcpt, subject, 2_000, READ_TIMEOUT), timeout);
  }

  /** One way of sending a message, tried again by {@link #sendUntilAccepted}. */
  interface Sending {
    MessageAttempt send() throws IOException;
  }

  /** Tries {@code sending} every second until the relay accepts or the time is up. */
  static MessageAttempt sendUntilAccepted(Sending sending, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    MessageAttempt a = sending.send();
    while (!a.accepted() && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      a = sending.send();
    }
    return a;
  }

  /**
   * Waits until a message of every subject arrived among {@code arrivals} (polled), or the time
   * is up; returns the subjects still missing.
   */
  static Set<String> awaitDelivered(Supplier<List<ReceivedMessage>> arrivals,
      Collection<String> subjects, Duration timeout) throws InterruptedException {
    Set<String> missing = new TreeSet<>(subjects);
    long deadline = System.nanoTime() + timeout.toNanos();
    missing.removeAll(subjects(arrivals.get()));
    while (!missing.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(500);
      missing.removeAll(subjects(arrivals.get()));
    }
    return missing;
  }

  private static Set<String> subjects(List<ReceivedMessage> messages) {
    Set<String> subjects = new TreeSet<>();
    for (ReceivedMessage m : messages) {
      Matcher matcher = SUBJECT.matcher(m.text());
      if (matcher.find()) {
        subjects.add(matcher.group(1));
      }
    }
    return subjects;
  }

  private static String dialog(InetSocketAddress relay, String rcpt, String subject,
      String headers, int bodyBytes, Duration readTimeout) throws IOException {
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
      StringBuilder body = new StringBuilder(headers + "Subject: " + subject + "\r\n\r\n");
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

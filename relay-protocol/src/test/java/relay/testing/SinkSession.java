package relay.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/** One SMTP session: the sink side of RFC 5321, lenient on syntax. */
final class SinkSession {
  private final SmtpSink sink;
  private Socket socket;
  private final int number;
  private InputStream in;
  private OutputStream out;
  /** "TLSv1.3 TLS_AES_256_GCM_SHA384" after STARTTLS, "" in clear. */
  private String tls = "";
  private byte[] line = new byte[1024];
  private String helo;
  private String mailFrom;
  private String mailParameters = "";
  private final List<String> recipients = new ArrayList<>();
  private int messagesHere;
  /**
   * The client sent QUIT: the connection no longer counts as open. Counted when QUIT arrives,
   * not when this thread ends, because the client may read 221, close and connect again
   * before this thread gets to run once more.
   */
  private volatile boolean quit;

  /** True once the client sent QUIT. */
  boolean quit() {
    return quit;
  }

  SinkSession(SmtpSink sink, Socket socket, int number) throws IOException {
    this.sink = sink;
    this.socket = socket;
    this.number = number;
    this.in = new BufferedInputStream(socket.getInputStream(), 65536);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
  }

  void run() throws IOException {
    if (sink.greeting421) {
      reply(421, "4.3.2", sink.config.hostname + " Service not available, closing");
      out.flush();
      return;
    }
    reply(220, "", sink.config.hostname + " ESMTP test sink");
    while (true) {
      int length = readLine();
      if (length < 0) {
        return;
      }
      String command = trimmedCommand(length);
      sink.log(command);
      String verb = (command.length() >= 4 ? command.substring(0, 4) : command).toUpperCase(Locale.ROOT);
      if (verb.equals("EHLO")) {
        ehlo(command);
      } else if (verb.equals("HELO")) {
        helo = command;
        resetTransaction();
        reply(250, "", sink.config.hostname);
      } else if (verb.equals("MAIL")) {
        mail(command);
      } else if (verb.equals("RCPT")) {
        if (!rcpt(command)) {
          return;
        }
      } else if (verb.equals("DATA")) {
        if (!data()) {
          return;
        }
      } else if (verb.equals("RSET")) {
        if (in.available() > 0) {
          sink.pipelinedResets.incrementAndGet();
        }
        if (sink.config.refuseRset) {
          reply(554, "5.5.1", "RSET refused");
        } else {
          resetTransaction();
          reply(250, "2.0.0", "Ok");
        }
      } else if (verb.equals("STARTTLS") || command.equalsIgnoreCase("STARTTLS")) {
        if (!startTls()) {
          return;
        }
      } else if (verb.equals("NOOP")) {
        reply(250, "2.0.0", "Ok");
      } else if (verb.equals("QUIT")) {
        quit = true;
        sink.current.decrementAndGet();
        reply(221, "2.0.0", "Bye");
        out.flush();
        return;
      } else {
        reply(500, "5.5.2", "Command not recognized");
      }
    }
  }

  private void ehlo(String command) throws IOException {
    if (sink.config.refuseEhlo) {
      reply(502, "5.5.2", "EHLO not implemented");
      return;
    }
    helo = command;
    resetTransaction();
    List<String> lines = new ArrayList<>();
    lines.add(sink.config.hostname);
    if (sink.config.pipelining) {
      lines.add("PIPELINING");
    }
    if (sink.config.advertiseSize) {
      lines.add(sink.config.sizeLimit > 0 ? "SIZE " + sink.config.sizeLimit : "SIZE");
    }
    if (sink.config.eightBitMime) {
      lines.add("8BITMIME");
    }
    if (sink.config.enhancedStatusCodes) {
      lines.add("ENHANCEDSTATUSCODES");
    }
    if (sink.config.smtpUtf8) {
      lines.add("SMTPUTF8");
    }
    if ((sink.config.tls != null || sink.config.brokenTls) && tls.isEmpty()) {
      lines.add("STARTTLS");
    }
    pause();
    for (int i = 0; i < lines.size(); i++) {
      write("250" + (i == lines.size() - 1 ? ' ' : '-') + lines.get(i));
    }
  }

  private void mail(String command) throws IOException {
    if (in.available() > 0) {
      sink.pipelinedGroups.incrementAndGet();
    }
    if (helo == null) {
      reply(503, "5.5.1", "Send EHLO or HELO first");
      return;
    }
    if (mailFrom != null) {
      reply(503, "5.5.1", "Nested MAIL command");
      return;
    }
    String rest = afterColon(command);
    String path = path(rest);
    if (path == null) {
      reply(501, "5.5.4", "Syntax: MAIL FROM:<address>");
      return;
    }
    String sender = localPart(path);
    if (sender.startsWith("tempfail-")) {
      reply(451, "4.3.0", "Sender temporarily refused");
      return;
    }
    if (sender.startsWith("reject-")) {
      reply(550, "5.7.1", "Sender refused");
      return;
    }
    mailFrom = path;
    mailParameters = rest.substring(rest.indexOf('>') + 1).trim();
    reply(250, "2.1.0", "Ok");
  }

  /** False when the session must end. */
  private boolean rcpt(String command) throws IOException {
    if (mailFrom == null) {
      reply(503, "5.5.1", "Need MAIL command");
      return true;
    }
    String path = path(afterColon(command));
    if (path == null || path.isEmpty()) {
      reply(501, "5.5.4", "Syntax: RCPT TO:<address>");
      return true;
    }
    String local = localPart(path);
    int refuseTimes = local.matches("tempfail[0-9]-.*") ? local.charAt(8) - '0' : 0;
    int refused = refuseTimes == 0 ? 0
        : sink.tempfailCounts.computeIfAbsent(path, k -> new AtomicInteger()).get();
    if (refused < refuseTimes) {
      sink.tempfailCounts.get(path).incrementAndGet();
      reply(451, "4.3.0", "Try again later (" + (refused + 1) + " of " + refuseTimes + ")");
    } else if (local.startsWith("tempfail-")) {
      reply(451, "4.3.0", "Recipient temporarily unavailable");
    } else if (local.startsWith("reject-")) {
      reply(550, "5.1.1", "No such user");
    } else if (local.startsWith("shutdown-")) {
      reply(421, "4.3.2", sink.config.hostname + " Service shutting down, closing");
      out.flush();
      return false;
    } else if (local.startsWith("disconnect-")) {
      return false;
    } else if (sink.config.maxRecipients > 0 && recipients.size() >= sink.config.maxRecipients) {
      reply(452, "4.5.3", "Too many recipients");
    } else {
      recipients.add(path);
      sink.maxRecipientsPerTransaction.accumulateAndGet(recipients.size(), Math::max);
      reply(250, "2.1.5", "Ok");
    }
    return true;
  }

  /** False when the session must end. */
  private boolean data() throws IOException {
    if (mailFrom == null) {
      reply(503, "5.5.1", "Need MAIL command");
      return true;
    }
    if (recipients.isEmpty()) {
      reply(554, "5.5.1", "No valid recipients");
      return true;
    }
    reply(354, "", "End data with <CR><LF>.<CR><LF>");
    if (has("stall-")) {
      out.flush();
      hold();
      return false;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
    while (true) {
      int length = readLine();
      if (length < 0) {
        return false;
      }
      if (line[0] == '.' && (length == 1 || (length == 2 && line[1] == '\r'))) {
        break;
      }
      int skip = line[0] == '.' ? 1 : 0; // RFC 5321 4.5.2 transparency
      body.write(line, skip, length - skip);
      body.write('\n');
    }
    Instant arrived = Instant.now();
    if (has("hang-")) {
      out.flush();
      hold();
      return false;
    }
    if (sink.config.sizeLimit > 0 && body.size() > sink.config.sizeLimit) {
      sink.refusedTransactions.incrementAndGet();
      reply(552, "5.3.4", "Message size exceeds fixed limit");
    } else if (has("datafail-")) {
      sink.refusedTransactions.incrementAndGet();
      reply(554, "5.6.0", "Message content refused");
    } else if (has("datatemp-")) {
      sink.refusedTransactions.incrementAndGet();
      reply(451, "4.3.0", "Temporary failure storing message");
    } else {
      messagesHere++;
      sink.maxMessagesPerConnection.accumulateAndGet(messagesHere, Math::max);
      int id;
      synchronized (sink.lock) {
        sink.messages.add(new ReceivedMessage(number, helo, mailFrom, mailParameters, recipients, body.toByteArray(),
            arrived, tls));
        id = sink.messages.size();
        sink.lock.notifyAll();
      }
      reply(250, "2.0.0", "Ok: queued as " + id);
    }
    resetTransaction();
    return true;
  }

  /** RFC 3207 server side; false when the session must end. */
  private boolean startTls() throws IOException {
    if ((sink.config.tls == null && !sink.config.brokenTls) || !tls.isEmpty()) {
      reply(503, "5.5.1", tls.isEmpty() ? "STARTTLS not offered" : "TLS already active");
      return true;
    }
    reply(220, "2.0.0", "Ready to start TLS");
    out.flush();
    if (sink.config.brokenTls) {
      return false;
    }
    SSLSocket ssl = (SSLSocket) sink.config.tls.getSocketFactory().createSocket(socket,
        socket.getInetAddress().getHostAddress(), socket.getPort(), true);
    ssl.setUseClientMode(false);
    ssl.startHandshake();
    SSLSession session = ssl.getSession();
    tls = session.getProtocol() + " " + session.getCipherSuite();
    sink.tlsHandshakes.incrementAndGet();
    socket = ssl;
    in = new BufferedInputStream(ssl.getInputStream(), 65536);
    out = new BufferedOutputStream(ssl.getOutputStream(), 65536);
    helo = null; // RFC 3207 4.2: the session starts over
    resetTransaction();
    return true;
  }

  private boolean has(String prefix) {
    for (String r : recipients) {
      if (localPart(r).startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Stops reading until the client or the sink closes the connection (at most a minute). */
  private void hold() {
    long until = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!socket.isClosed() && !sink.closed && System.nanoTime() < until) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void resetTransaction() {
    mailFrom = null;
    mailParameters = "";
    recipients.clear();
  }

  private void reply(int code, String enhanced, String text) throws IOException {
    pause();
    String enh = sink.config.enhancedStatusCodes && !enhanced.isEmpty() ? enhanced + " " : "";
    write(code + " " + enh + text);
  }

  private void pause() throws IOException {
    long delay = sink.slowMillis;
    if (delay > 0) {
      out.flush();
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }
  }

  private void write(String replyLine) throws IOException {
    out.write(replyLine.getBytes(StandardCharsets.UTF_8));
    out.write('\r');
    out.write('\n');
  }

  /**
   * Reads one line into {@link #line}, without LF (a CR before it is kept for data lines and
   * trimmed for commands). Flushes pending replies first when no input is waiting, which is
   * how a pipelining server answers a whole group at once (RFC 2920 3.2). -1 at end of input.
   */
  private int readLine() throws IOException {
    if (in.available() == 0) {
      out.flush();
    }
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return -1;
      }
      if (b == '\n') {
        return n;
      }
      if (n == line.length) {
        line = Arrays.copyOf(line, n * 2);
      }
      line[n++] = (byte) b;
    }
  }

  private String trimmedCommand(int length) {
    int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
    return new String(line, 0, end, StandardCharsets.UTF_8);
  }

  private static String afterColon(String command) {
    int colon = command.indexOf(':');
    return colon < 0 ? "" : command.substring(colon + 1).trim();
  }

  /** The address between angle brackets, or null. */
  private static String path(String text) {
    int open = text.indexOf('<');
    int close = text.indexOf('>');
    if (open != 0 || close < 0) {
      return null;
    }
    return text.substring(1, close);
  }

  private static String localPart(String path) {
    int at = path.lastIndexOf('@');
    return (at < 0 ? path : path.substring(0, at)).toLowerCase(Locale.ROOT);
  }
}

package relay.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real SMTP server for tests, in the spirit of Postfix's smtp-sink: a plain {@link ServerSocket}
 * on a loopback address, a daemon thread per connection, buffered streams. It speaks EHLO (with
 * PIPELINING, 8BITMIME, SIZE, ENHANCEDSTATUSCODES by default), HELO, MAIL, RCPT, DATA with
 * dot-unstuffing, RSET, NOOP, QUIT, and reads pipelined input (replies are flushed when no more
 * input is waiting). Every accepted message is recorded; counters show concurrency and batching.
 *
 * <p>Faults are chosen by the recipient's local part prefix:
 * <ul>
 *   <li>{@code tempfail-} 451 4.3.0 at RCPT; {@code reject-} 550 5.1.1 at RCPT;
 *   <li>{@code tempfail<N>-} (N one digit, e.g. {@code tempfail2-bob}) 451 4.3.0 "Try again
 *       later (k of N)" at RCPT the first N times the sink sees that address, then accepted;
 *   <li>{@code datafail-} 554 5.6.0 after the data; {@code datatemp-} 451 4.3.0 after the data;
 *   <li>{@code shutdown-} 421 4.3.2 at RCPT, then the sink closes the connection;
 *       {@code disconnect-} closes the connection at RCPT without a reply;
 *   <li>{@code hang-} no reply after the data (the client's data-done timeout);
 *       {@code stall-} 354 to DATA, then the sink stops reading (the client's write timeout).
 * </ul>
 * and by the sender's: {@code tempfail-} 451 4.3.0 at MAIL, {@code reject-} 550 5.7.1 at MAIL.
 * Global switches: {@link #greeting421(boolean)}, {@link #down()} / {@link #up()} (stop and start
 * listening on the same port), {@link #slow(Duration)} (a delay before every reply).
 *
 * <pre>
 *   try (SmtpSink sink = SmtpSink.builder().bind("127.0.0.2", 0).start()) {
 *     ... deliver to sink.address() ...
 *     assertTrue(sink.awaitMessages(3, Duration.ofSeconds(5)));
 *   }
 * </pre>
 */
public final class SmtpSink implements AutoCloseable {

  private static final int MAX_COMMAND_LOG = 100_000;

  private final Builder config;
  private final InetSocketAddress address;
  private final Object lock = new Object();
  private final List<ReceivedMessage> messages = new ArrayList<>();
  private final List<String> commandLog = new ArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connectionNumbers = new AtomicInteger();
  private final AtomicInteger current = new AtomicInteger();
  private final AtomicInteger maxConcurrent = new AtomicInteger();
  private final AtomicInteger maxMessagesPerConnection = new AtomicInteger();
  private final AtomicInteger maxRecipientsPerTransaction = new AtomicInteger();
  private final AtomicInteger pipelinedGroups = new AtomicInteger();
  private final AtomicInteger pipelinedResets = new AtomicInteger();
  private final AtomicInteger refusedTransactions = new AtomicInteger();
  /** tempfail<N>- addresses: how many times each was refused so far. */
  private final Map<String, AtomicInteger> tempfailCounts = new ConcurrentHashMap<>();
  private volatile ServerSocket listener;
  private volatile Thread acceptor;
  private volatile boolean greeting421;
  private volatile long slowMillis;
  private volatile boolean closed;

  private SmtpSink(Builder config) throws IOException {
    this.config = config;
    ServerSocket socket = bind(new InetSocketAddress(InetAddress.getByName(config.host), config.port));
    this.address = new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
    listen(socket);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A sink on 127.0.0.1, ephemeral port, default extensions. */
  public static SmtpSink start() throws IOException {
    return builder().start();
  }

  /** What the sink advertises and where it listens. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private String hostname = "sink.test";
    private boolean pipelining = true;
    private boolean eightBitMime = true;
    private boolean smtpUtf8;
    private boolean enhancedStatusCodes = true;
    private boolean advertiseSize = true;
    private long sizeLimit;
    private boolean refuseEhlo;
    private boolean refuseRset;
    private int maxRecipients;

    private Builder() {}

    /** Loopback address and port to listen on; port 0 = ephemeral. */
    public Builder bind(String host, int port) {
      this.host = host;
      this.port = port;
      return this;
    }

    /** The name in the greeting and EHLO reply. */
    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    public Builder pipelining(boolean on) {
      this.pipelining = on;
      return this;
    }

    /** Answer RSET with 554 5.5.1 (a broken server). */
    public Builder refuseRset(boolean on) {
      this.refuseRset = on;
      return this;
    }

    public Builder eightBitMime(boolean on) {
      this.eightBitMime = on;
      return this;
    }

    public Builder smtpUtf8(boolean on) {
      this.smtpUtf8 = on;
      return this;
    }

    /** Also decides whether replies carry enhanced codes. */
    public Builder enhancedStatusCodes(boolean on) {
      this.enhancedStatusCodes = on;
      return this;
    }

    /** Advertise SIZE (RFC 1870) with this limit, 0 = no limit; enforced after DATA. */
    public Builder size(long limit) {
      this.advertiseSize = true;
      this.sizeLimit = limit;
      return this;
    }

    public Builder noSize() {
      this.advertiseSize = false;
      this.sizeLimit = 0;
      return this;
    }

    /** Answer EHLO with 502 so the client falls back to HELO. */
    public Builder refuseEhlo(boolean on) {
      this.refuseEhlo = on;
      return this;
    }

    /** Accept at most this many recipients per transaction (452 4.5.3 after), 0 = any. */
    public Builder maxRecipients(int max) {
      this.maxRecipients = max;
      return this;
    }

    public SmtpSink start() throws IOException {
      return new SmtpSink(this);
    }
  }

  public InetSocketAddress address() {
    return address;
  }

  public String host() {
    return address.getAddress().getHostAddress();
  }

  public int port() {
    return address.getPort();
  }

  /** From now on new connections get {@code 421 4.3.2} as greeting and are closed. */
  public void greeting421(boolean on) {
    greeting421 = on;
  }

  /** Delay before every reply (greeting included); {@link Duration#ZERO} turns it off. */
  public void slow(Duration delay) {
    slowMillis = delay.toMillis();
  }

  /**
   * Stops listening (connections are refused once this returns) and closes every open
   * connection.
   */
  public synchronized void down() {
    ServerSocket l = listener;
    listener = null;
    if (l != null) {
      closeQuietly(l);
      // The JDK releases a listening socket only when the thread blocked in accept() has left
      // it; until then the kernel still completes connections. Wait for that thread.
      Thread t = acceptor;
      if (t != null && t != Thread.currentThread()) {
        try {
          t.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  /** Listens again on the same address and port after {@link #down()}. */
  public synchronized void up() throws IOException {
    if (closed) {
      throw new IllegalStateException("sink closed");
    }
    if (listener == null) {
      listen(bind(address));
    }
  }

  /** Every accepted message so far, in arrival order. */
  public List<ReceivedMessage> messages() {
    synchronized (lock) {
      return List.copyOf(messages);
    }
  }

  public int messageCount() {
    synchronized (lock) {
      return messages.size();
    }
  }

  /** Waits until at least {@code n} messages arrived; false on timeout. */
  public boolean awaitMessages(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (messages.size() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  /** Command lines received, in order, over all connections (the first 100,000). */
  public List<String> commands() {
    synchronized (lock) {
      return List.copyOf(commandLog);
    }
  }

  public int currentConnections() {
    return current.get();
  }

  public int maxConcurrentConnections() {
    return maxConcurrent.get();
  }

  public int totalConnections() {
    return connectionNumbers.get();
  }

  public int maxMessagesPerConnection() {
    return maxMessagesPerConnection.get();
  }

  public int maxRecipientsPerTransaction() {
    return maxRecipientsPerTransaction.get();
  }

  /** Times a MAIL command arrived with more commands already waiting behind it (RFC 2920). */
  public int pipelinedGroups() {
    return pipelinedGroups.get();
  }

  /** Times RSET arrived with more commands already waiting behind it (RFC 2920). */
  public int pipelinedResets() {
    return pipelinedResets.get();
  }

  /** Transactions whose data got a failure reply (datafail-, datatemp-, size). */
  public int refusedTransactions() {
    return refusedTransactions.get();
  }

  @Override
  public void close() {
    closed = true;
    down();
  }

  private static ServerSocket bind(InetSocketAddress at) throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(at, 200);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  private void listen(ServerSocket socket) {
    listener = socket;
    Thread t = new Thread(() -> accept(socket), "smtp-sink-accept-" + socket.getLocalPort());
    t.setDaemon(true);
    acceptor = t;
    t.start();
  }

  private void accept(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        int number = connectionNumbers.incrementAndGet();
        open.add(client);
        Thread t = new Thread(() -> serve(client, number), "smtp-sink-" + number);
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // listener closed
      }
    }
  }

  private void serve(Socket socket, int number) {
    maxConcurrent.accumulateAndGet(current.incrementAndGet(), Math::max);
    Session session = null;
    try (socket) {
      session = new Session(socket, number);
      session.run();
    } catch (IOException e) {
      // client went away or the sink went down
    } finally {
      if (session == null || !session.quit) {
        current.decrementAndGet();
      }
      open.remove(socket);
    }
  }

  private void log(String line) {
    synchronized (lock) {
      if (commandLog.size() < MAX_COMMAND_LOG) {
        commandLog.add(line);
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }

  private static String localPart(String path) {
    int at = path.lastIndexOf('@');
    return (at < 0 ? path : path.substring(0, at)).toLowerCase(Locale.ROOT);
  }

  /** One SMTP session: the sink side of RFC 5321, lenient on syntax. */
  private final class Session {
    private final Socket socket;
    private final int number;
    private final InputStream in;
    private final OutputStream out;
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

    Session(Socket socket, int number) throws IOException {
      this.socket = socket;
      this.number = number;
      this.in = new BufferedInputStream(socket.getInputStream(), 65536);
      this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
    }

    void run() throws IOException {
      if (greeting421) {
        reply(421, "4.3.2", config.hostname + " Service not available, closing");
        out.flush();
        return;
      }
      reply(220, "", config.hostname + " ESMTP test sink");
      while (true) {
        int length = readLine();
        if (length < 0) {
          return;
        }
        String command = trimmedCommand(length);
        log(command);
        String verb = (command.length() >= 4 ? command.substring(0, 4) : command).toUpperCase(Locale.ROOT);
        if (verb.equals("EHLO")) {
          ehlo(command);
        } else if (verb.equals("HELO")) {
          helo = command;
          resetTransaction();
          reply(250, "", config.hostname);
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
            pipelinedResets.incrementAndGet();
          }
          if (config.refuseRset) {
            reply(554, "5.5.1", "RSET refused");
          } else {
            resetTransaction();
            reply(250, "2.0.0", "Ok");
          }
        } else if (verb.equals("NOOP")) {
          reply(250, "2.0.0", "Ok");
        } else if (verb.equals("QUIT")) {
          quit = true;
          current.decrementAndGet();
          reply(221, "2.0.0", "Bye");
          out.flush();
          return;
        } else {
          reply(500, "5.5.2", "Command not recognized");
        }
      }
    }

    private void ehlo(String command) throws IOException {
      if (config.refuseEhlo) {
        reply(502, "5.5.2", "EHLO not implemented");
        return;
      }
      helo = command;
      resetTransaction();
      List<String> lines = new ArrayList<>();
      lines.add(config.hostname);
      if (config.pipelining) {
        lines.add("PIPELINING");
      }
      if (config.advertiseSize) {
        lines.add(config.sizeLimit > 0 ? "SIZE " + config.sizeLimit : "SIZE");
      }
      if (config.eightBitMime) {
        lines.add("8BITMIME");
      }
      if (config.enhancedStatusCodes) {
        lines.add("ENHANCEDSTATUSCODES");
      }
      if (config.smtpUtf8) {
        lines.add("SMTPUTF8");
      }
      pause();
      for (int i = 0; i < lines.size(); i++) {
        write("250" + (i == lines.size() - 1 ? ' ' : '-') + lines.get(i));
      }
    }

    private void mail(String command) throws IOException {
      if (in.available() > 0) {
        pipelinedGroups.incrementAndGet();
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
          : tempfailCounts.computeIfAbsent(path, k -> new AtomicInteger()).get();
      if (refused < refuseTimes) {
        tempfailCounts.get(path).incrementAndGet();
        reply(451, "4.3.0", "Try again later (" + (refused + 1) + " of " + refuseTimes + ")");
      } else if (local.startsWith("tempfail-")) {
        reply(451, "4.3.0", "Recipient temporarily unavailable");
      } else if (local.startsWith("reject-")) {
        reply(550, "5.1.1", "No such user");
      } else if (local.startsWith("shutdown-")) {
        reply(421, "4.3.2", config.hostname + " Service shutting down, closing");
        out.flush();
        return false;
      } else if (local.startsWith("disconnect-")) {
        return false;
      } else if (config.maxRecipients > 0 && recipients.size() >= config.maxRecipients) {
        reply(452, "4.5.3", "Too many recipients");
      } else {
        recipients.add(path);
        maxRecipientsPerTransaction.accumulateAndGet(recipients.size(), Math::max);
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
      if (config.sizeLimit > 0 && body.size() > config.sizeLimit) {
        refusedTransactions.incrementAndGet();
        reply(552, "5.3.4", "Message size exceeds fixed limit");
      } else if (has("datafail-")) {
        refusedTransactions.incrementAndGet();
        reply(554, "5.6.0", "Message content refused");
      } else if (has("datatemp-")) {
        refusedTransactions.incrementAndGet();
        reply(451, "4.3.0", "Temporary failure storing message");
      } else {
        messagesHere++;
        maxMessagesPerConnection.accumulateAndGet(messagesHere, Math::max);
        int id;
        synchronized (lock) {
          messages.add(new ReceivedMessage(number, helo, mailFrom, mailParameters, recipients, body.toByteArray(),
              arrived));
          id = messages.size();
          lock.notifyAll();
        }
        reply(250, "2.0.0", "Ok: queued as " + id);
      }
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
      while (!socket.isClosed() && !closed && System.nanoTime() < until) {
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
      String enh = config.enhancedStatusCodes && !enhanced.isEmpty() ? enhanced + " " : "";
      write(code + " " + enh + text);
    }

    private void pause() throws IOException {
      long delay = slowMillis;
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
}

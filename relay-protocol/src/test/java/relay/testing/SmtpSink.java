package relay.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

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
 * With {@link Builder#startTls} the sink offers STARTTLS (RFC 3207) and each received message
 * records the TLS protocol and cipher it came over ({@link ReceivedMessage#tls()}); {@link
 * Builder#brokenStartTls()} offers it and drops the connection instead of the handshake.
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

  final Builder config;
  private final InetSocketAddress address;
  final Object lock = new Object();
  final List<ReceivedMessage> messages = new ArrayList<>();
  final List<String> commandLog = new ArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connectionNumbers = new AtomicInteger();
  final AtomicInteger current = new AtomicInteger();
  private final AtomicInteger maxConcurrent = new AtomicInteger();
  final AtomicInteger maxMessagesPerConnection = new AtomicInteger();
  final AtomicInteger maxRecipientsPerTransaction = new AtomicInteger();
  final AtomicInteger pipelinedGroups = new AtomicInteger();
  final AtomicInteger pipelinedResets = new AtomicInteger();
  final AtomicInteger refusedTransactions = new AtomicInteger();
  final AtomicInteger tlsHandshakes = new AtomicInteger();
  /** tempfail<N>- addresses: how many times each was refused so far. */
  final Map<String, AtomicInteger> tempfailCounts = new ConcurrentHashMap<>();
  private volatile ServerSocket listener;
  private volatile Thread acceptor;
  volatile boolean greeting421;
  volatile long slowMillis;
  volatile boolean closed;

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
    String host = "127.0.0.1";
    int port;
    String hostname = "sink.test";
    boolean pipelining = true;
    boolean eightBitMime = true;
    boolean smtpUtf8;
    boolean enhancedStatusCodes = true;
    boolean advertiseSize = true;
    long sizeLimit;
    boolean refuseEhlo;
    boolean refuseRset;
    int maxRecipients;

    /** Offer STARTTLS (RFC 3207) with this server context; null: do not offer it. */
    SSLContext tls;
    /** Answer STARTTLS with 220, then close the connection instead of the handshake. */
    boolean brokenTls;

    private Builder() {}

    /** Offer STARTTLS and run the server side of the handshake with {@code context}. */
    public Builder startTls(SSLContext context) {
      this.tls = context;
      return this;
    }

    /** Offer STARTTLS, answer it 220, then close the connection: a handshake that fails. */
    public Builder brokenStartTls() {
      this.brokenTls = true;
      return this;
    }


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

  /** TLS handshakes completed after STARTTLS. */
  public int tlsHandshakes() {
    return tlsHandshakes.get();
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
    SinkSession session = null;
    try (socket) {
      session = new SinkSession(this, socket, number);
      session.run();
    } catch (IOException e) {
      // client went away or the sink went down
    } finally {
      if (session == null || !session.quit()) {
        current.decrementAndGet();
      }
      open.remove(socket);
    }
  }

  void log(String line) {
    synchronized (lock) {
      if (commandLog.size() < MAX_COMMAND_LOG) {
        commandLog.add(line);
      }
    }
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }


}

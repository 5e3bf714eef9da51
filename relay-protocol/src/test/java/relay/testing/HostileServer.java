package relay.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Mail servers that misbehave on purpose, for tests of the outbound side's bounds: a real {@link
 * ServerSocket} on a loopback address, a daemon thread per connection playing one {@link Script}.
 * Counts connections (in total, open now, most at once) and how long each lasted until the client
 * hung up, so a test can assert where the client cut it off.
 *
 * <ul>
 *   <li>{@link #silent}: accepts TCP and never says a word (a greeting timeout);
 *   <li>{@link #drippingGreeting}: sends an endless multi-line greeting one byte per interval, so
 *       a read never times out but the reply never ends;
 *   <li>{@link #drippingAfterEhlo}: a prompt greeting and EHLO, then the reply to MAIL drips;
 *   <li>{@link #slowReplies}: every reply after a delay (each within its timeout);
 *   <li>{@link #slowReader}: accepts the transaction, then reads the data a little at a time;
 *   <li>{@link #named}: greets and answers EHLO with the names given (a loop when they are ours).
 * </ul>
 *
 * {@link #blackHole} is no server at all: a listening socket whose accept queue is full, so the
 * kernel drops every further SYN and a connect hangs until the client's connect timeout.
 */
public final class HostileServer implements AutoCloseable {

  /** What the server does with one accepted connection. */
  @FunctionalInterface
  public interface Script {
    void play(Socket socket, BufferedReader in, OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket listener;
  private final List<Socket> fillers = new ArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger current = new AtomicInteger();
  private final AtomicInteger maxConcurrent = new AtomicInteger();
  private final List<Duration> lifetimes = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private HostileServer(ServerSocket listener) {
    this.listener = listener;
  }

  /** Plays {@code script} on every connection to host:port (port 0: ephemeral). */
  public static HostileServer start(String host, int port, Script script) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 200);
    HostileServer server = new HostileServer(socket);
    Thread acceptor = new Thread(() -> server.acceptLoop(script), "hostile-accept-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
    return server;
  }

  public static HostileServer silent(String host, int port) throws IOException {
    return start(host, port, (s, in, out) -> {
      while (in.read() >= 0) {
        // swallow whatever comes, say nothing
      }
    });
  }

  /** "220-" continuation lines, one byte every {@code interval}, for ever. */
  public static HostileServer drippingGreeting(String host, int port, Duration interval) throws IOException {
    return start(host, port, (s, in, out) -> drip(out, interval));
  }

  /** Prompt "220" and "250" to EHLO (no PIPELINING), then the reply to MAIL drips for ever. */
  public static HostileServer drippingAfterEhlo(String host, int port, Duration interval) throws IOException {
    return start(host, port, (s, in, out) -> {
      say(out, "220 drip.test ESMTP\r\n");
      expect(in, "EHLO");
      say(out, "250 drip.test\r\n");
      expect(in, "MAIL");
      drip(out, interval);
    });
  }

  /** A server that answers every command correctly, each reply after {@code delay}. */
  public static HostileServer slowReplies(String host, int port, Duration delay) throws IOException {
    return start(host, port, (s, in, out) -> {
      Thread.sleep(delay.toMillis());
      say(out, "220 slow.test ESMTP\r\n");
      String line;
      while ((line = in.readLine()) != null) {
        Thread.sleep(delay.toMillis());
        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
        if (verb.equals("QUIT")) {
          say(out, "221 bye\r\n");
          return;
        }
        say(out, verb.equals("DATA") ? "354 go ahead\r\n" : "250 ok\r\n");
      }
    });
  }

  /** Takes MAIL, RCPT and DATA at once, then reads the data {@code bytes} per {@code interval}. */
  public static HostileServer slowReader(String host, int port, int bytes, Duration interval) throws IOException {
    return start(host, port, (s, in, out) -> {
      say(out, "220 slowread.test ESMTP\r\n");
      for (String verb : List.of("EHLO", "MAIL", "RCPT")) {
        expect(in, verb);
        say(out, "250 ok\r\n");
      }
      expect(in, "DATA");
      say(out, "354 go ahead\r\n");
      char[] chunk = new char[bytes];
      while (in.read(chunk, 0, bytes) >= 0) {
        Thread.sleep(interval.toMillis());
      }
    });
  }

  /** Greets with {@code greetingName} and answers EHLO with {@code ehloName}, then QUIT. */
  public static HostileServer named(String host, int port, String greetingName, String ehloName) throws IOException {
    return start(host, port, (s, in, out) -> {
      say(out, "220 " + greetingName + " ESMTP\r\n");
      String line;
      while ((line = in.readLine()) != null) {
        if (line.toUpperCase().startsWith("EHLO")) {
          say(out, "250 " + ehloName + "\r\n");
        } else if (line.toUpperCase().startsWith("QUIT")) {
          say(out, "221 bye\r\n");
          return;
        } else {
          say(out, "250 ok\r\n");
        }
      }
    });
  }

  /**
   * A listening socket on host:port that never accepts, its accept queue filled by connections of
   * its own: further connects hang (the kernel drops their SYNs) as to a black-holed address.
   */
  public static HostileServer blackHole(String host, int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1);
    HostileServer server = new HostileServer(socket);
    InetSocketAddress at = new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
    for (int i = 0; i < 16; i++) {
      Socket filler = new Socket();
      try {
        filler.connect(at, 200);
        server.fillers.add(filler);
      } catch (SocketTimeoutException full) {
        filler.close();
        return server; // the queue is full: connects hang from now on
      }
    }
    server.close();
    throw new IOException("the accept queue of " + at + " never filled up");
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Connections accepted so far. */
  public int totalConnections() {
    return total.get();
  }

  /** Connections open now. */
  public int openConnections() {
    return current.get();
  }

  /** The most connections open at once. */
  public int maxConcurrent() {
    return maxConcurrent.get();
  }

  /** How long each finished connection lasted, from accept until the client hung up. */
  public List<Duration> lifetimes() {
    return List.copyOf(lifetimes);
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : fillers) {
      closeQuietly(s);
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  private void acceptLoop(Script script) {
    while (!closed) {
      Socket s;
      try {
        s = listener.accept();
      } catch (IOException e) {
        return;
      }
      total.incrementAndGet();
      maxConcurrent.accumulateAndGet(current.incrementAndGet(), Math::max);
      open.add(s);
      Thread t = new Thread(() -> serve(s, script), "hostile-" + s.getPort());
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket s, Script script) {
    long start = System.nanoTime();
    try {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      script.play(s, in, s.getOutputStream());
      // The script is done: wait for the client to hang up.
      InputStream raw = s.getInputStream();
      while (raw.read() >= 0) {
        // discard
      }
    } catch (IOException | InterruptedException e) {
      // the client hung up (or we closed)
    } finally {
      lifetimes.add(Duration.ofNanos(System.nanoTime() - start));
      current.decrementAndGet();
      open.remove(s);
      closeQuietly(s);
    }
  }

  /** Writes "220-x\r\n" lines one byte per interval until the client hangs up. */
  private static void drip(OutputStream out, Duration interval) throws IOException, InterruptedException {
    byte[] line = "220-x\r\n".getBytes(StandardCharsets.US_ASCII);
    for (long i = 0; ; i++) {
      out.write(line[(int) (i % line.length)]);
      out.flush();
      Thread.sleep(interval.toMillis());
    }
  }

  private static void say(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void expect(BufferedReader in, String verb) throws IOException {
    String line = in.readLine();
    if (line == null || !line.toUpperCase().startsWith(verb)) {
      throw new IOException("expected " + verb + ", got " + line);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}

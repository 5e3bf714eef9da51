package relay.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of a server (here PostgreSQL), that can be told to stop
 * forwarding: as a network that drops packets, it keeps every connection open and answers
 * nothing. While black-holed it neither reads from nor writes to any connection, so a client's
 * writes fill the socket buffers and then block, as they do when the peer is gone; new
 * connections are accepted by the kernel and then hang. {@link #restore} resumes forwarding for
 * the connections still open (those a client gave up on it closes).
 */
final class BlackholeProxy implements AutoCloseable {

  private final InetSocketAddress target;
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private boolean blackholed;
  private volatile boolean closed;

  private BlackholeProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread acceptor = new Thread(this::acceptLoop, "blackhole-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static BlackholeProxy to(String host, int port) throws IOException {
    return new BlackholeProxy(new InetSocketAddress(host, port));
  }

  int port() {
    return server.getLocalPort();
  }

  /** Stops forwarding: every connection, open or new, hangs. */
  void blackhole() {
    synchronized (gate) {
      blackholed = true;
    }
  }

  /** Forwards again. */
  void restore() {
    synchronized (gate) {
      blackholed = false;
      gate.notifyAll();
    }
  }

  private void awaitForwarding() throws InterruptedException {
    synchronized (gate) {
      while (blackholed && !closed) {
        gate.wait();
      }
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Thread t = new Thread(() -> connect(client), "blackhole-proxy-connect");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void connect(Socket client) {
    try {
      awaitForwarding(); // a new connection while black-holed hangs before it reaches the server
      Socket upstream = new Socket();
      sockets.add(upstream);
      upstream.connect(target, 5_000);
      pump(client, upstream, "up");
      pump(upstream, client, "down");
    } catch (IOException | InterruptedException e) {
      closeQuietly(client);
    }
  }

  private void pump(Socket from, Socket to, String direction) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        while (true) {
          awaitForwarding();
          int n = in.read(buffer);
          if (n < 0) {
            break;
          }
          awaitForwarding(); // bytes read just before the black hole wait for its end
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // one side closed: close both below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "blackhole-proxy-" + direction);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    restore();
    server.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }
}

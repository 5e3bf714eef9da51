package relay.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A real HTTPS server for MTA-STS tests (RFC 8461 3.3): the JDK's {@link HttpsServer} on a
 * loopback address and an ephemeral port, answering {@code GET /.well-known/mta-sts.txt} with
 * the policy set for the request's Host (mta-sts.&lt;domain&gt;) as text/plain, 404 for a host
 * without one. A host may instead be given a status and a Location (a redirect), and every answer
 * may be delayed.
 *
 * <pre>
 *   try (StsPolicyServer web = StsPolicyServer.start(cert.serverContext())) {
 *     web.policy("mta-sts.example.test", "version: STSv1\r\nmode: enforce\r\nmx: *.example.test\r\nmax_age: 86400\r\n");
 *     ... relay.delivery.mta-sts.port = web.port() ...
 *   }
 * </pre>
 */
public final class StsPolicyServer implements AutoCloseable {

  private final HttpsServer server;
  private final Map<String, String> policies = new ConcurrentHashMap<>();
  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
  private volatile long delayMillis;

  private StsPolicyServer(HttpsServer server) {
    this.server = server;
  }

  /** Starts on 127.0.0.1, ephemeral port, presenting the certificate of {@code context}. */
  public static StsPolicyServer start(SSLContext context) throws IOException {
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    StsPolicyServer sts = new StsPolicyServer(server);
    server.createContext("/.well-known/mta-sts.txt", exchange -> {
      String host = String.valueOf(exchange.getRequestHeaders().getFirst("Host")).replaceFirst(":\\d+$", "");
      sts.fetches.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
      try {
        Thread.sleep(sts.delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String policy = sts.policies.get(host);
      int status = sts.statuses.getOrDefault(host, policy == null ? 404 : 200);
      byte[] body = (policy == null ? "no policy" : policy).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain");
      if (status / 100 == 3) {
        exchange.getResponseHeaders().add("Location", "https://elsewhere.test/.well-known/mta-sts.txt");
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "sts-policy-server");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return sts;
  }

  /** Serves {@code policy} (the body) for {@code host} from now on, with 200. */
  public StsPolicyServer policy(String host, String policy) {
    policies.put(host, policy);
    statuses.remove(host);
    return this;
  }

  /** Answers {@code host} with this status (a 3xx with a Location) instead. */
  public StsPolicyServer status(String host, int status) {
    statuses.put(host, status);
    return this;
  }

  /** Waits this long before every answer. */
  public StsPolicyServer delay(Duration delay) {
    delayMillis = delay.toMillis();
    return this;
  }

  /** Requests received for {@code host} so far. */
  public int fetches(String host) {
    AtomicInteger n = fetches.get(host);
    return n == null ? 0 : n.get();
  }

  /** Requests received so far, every host. */
  public int fetches() {
    return fetches.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

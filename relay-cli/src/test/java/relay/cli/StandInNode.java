package relay.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a node's HTTP API on a loopback port (the JDK's HttpServer) that answers every
 * request with one chosen status, content type and body and records what it was sent. For the
 * CLI's own side of the contract (options, headers, exit codes for statuses a real node rarely
 * gives, such as 500); the commands against a real node are tested in relay-node.
 */
final class StandInNode implements AutoCloseable {

  record Request(String method, String uri, String authorization, String contentType,
      String body) {}

  private final HttpServer server;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String contentType = "application/json";
  private volatile String body = "[]";

  StandInNode() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] in = exchange.getRequestBody().readAllBytes();
      requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
          exchange.getRequestHeaders().getFirst("Authorization"),
          exchange.getRequestHeaders().getFirst("Content-Type"),
          new String(in, StandardCharsets.UTF_8)));
      byte[] out = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(status, status == 204 ? -1 : out.length);
      if (status != 204) {
        try (OutputStream o = exchange.getResponseBody()) {
          o.write(out);
        }
      }
      exchange.close();
    });
    server.start();
  }

  /** The next answers: {@code status} with {@code body} (problem+json for 4xx/5xx). */
  StandInNode answer(int status, String body) {
    this.status = status;
    this.body = body;
    this.contentType = status >= 400 ? "application/problem+json" : "application/json";
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  Request last() {
    return requests.get(requests.size() - 1);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

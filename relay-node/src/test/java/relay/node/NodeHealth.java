package relay.node;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** GET /health of a node: its checks as the operator sees them (JSON, 200 or 503). */
final class NodeHealth {

  private NodeHealth() {}

  /** The body of /health, or "<unreachable: ...>" when the node does not answer. */
  static String get(int httpPort) {
    try {
      HttpURLConnection http = (HttpURLConnection) URI.create(
          "http://127.0.0.1:" + httpPort + "/health").toURL().openConnection();
      http.setConnectTimeout(2_000);
      http.setReadTimeout(5_000);
      try {
        int code = http.getResponseCode();
        try (InputStream in = code < 400 ? http.getInputStream() : http.getErrorStream()) {
          return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      } finally {
        http.disconnect();
      }
    } catch (IOException e) {
      return "<unreachable: " + e + ">";
    }
  }

  /** Whether the named check is reported with this value ("storage-reachable", false). */
  static boolean reports(String health, String check, boolean value) {
    return health.replace(" ", "").contains("\"" + check + "\":" + value);
  }

  /** Polls /health until the check has the value; returns the last answer. */
  static String await(int httpPort, String check, boolean value, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String health = get(httpPort);
    while (!reports(health, check, value) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      health = get(httpPort);
    }
    return health;
  }
}

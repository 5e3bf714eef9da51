package relay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The node's operator API ({@code /api/v1}) over Java's HttpClient: one request per call, the
 * bearer token in the Authorization header (never in the URL, never printed), HTTP/1.1, a
 * timeout for connecting and one for the whole answer. A 2xx answer is returned; anything else
 * becomes a {@link CliFailure} with the exit code for its status and the problem's detail.
 */
final class Api {

  static final String MERGE_PATCH = "application/merge-patch+json";

  private final String base;
  private final String token;
  private final Duration timeout;
  private final HttpClient http;
  private final ObjectMapper json;

  /** {@code base} is the node's URL (http or https, host, optional port and path prefix). */
  Api(URI base, String token, Duration timeout, ObjectMapper json) {
    String b = base.toString();
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    this.token = token;
    this.timeout = timeout;
    this.json = json;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** One answer of the node: its status and body (empty for 204). */
  record Answer(int status, String body) {}

  /**
   * {@code /api/v1/} followed by the segments, each percent-encoded (a domain, a message id or a
   * block id is one segment whatever it holds).
   */
  static String path(String... segments) {
    StringBuilder p = new StringBuilder("/api/v1");
    for (String s : segments) {
      p.append('/').append(encode(s));
    }
    return p.toString();
  }

  /** Query parameters in their order; empty values are left out. */
  static String query(Map<String, String> params) {
    StringBuilder q = new StringBuilder();
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (e.getValue() == null || e.getValue().isEmpty()) {
        continue;
      }
      q.append(q.length() == 0 ? '?' : '&').append(encode(e.getKey())).append('=')
          .append(encode(e.getValue()));
    }
    return q.toString();
  }

  /** A builder for {@link #query}. */
  static Map<String, String> params() {
    return new LinkedHashMap<>();
  }

  Answer get(String pathAndQuery) {
    return send("GET", pathAndQuery, Optional.empty(), "application/json");
  }

  Answer post(String path, JsonNode body) {
    return send("POST", path, Optional.of(body), "application/json");
  }

  /** POST without a body (queue actions). */
  Answer post(String path) {
    return send("POST", path, Optional.empty(), "application/json");
  }

  Answer patch(String path, JsonNode mergePatch) {
    return send("PATCH", path, Optional.of(mergePatch), MERGE_PATCH);
  }

  Answer delete(String path) {
    return send("DELETE", path, Optional.empty(), "application/json");
  }

  private Answer send(String method, String pathAndQuery, Optional<JsonNode> body,
      String contentType) {
    URI uri = URI.create(base + pathAndQuery);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Accept", "application/json, application/problem+json")
        .header("Authorization", "Bearer " + token);
    if (body.isPresent()) {
      request.header("Content-Type", contentType).method(method,
          HttpRequest.BodyPublishers.ofByteArray(bytes(body.get())));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("no connection within " + Cells.duration(timeout));
    } catch (HttpTimeoutException e) {
      throw unreachable("no answer within " + Cells.duration(timeout));
    } catch (ConnectException e) {
      throw unreachable("connection refused");
    } catch (IOException e) {
      throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable("interrupted");
    }
    int status = response.statusCode();
    String text = response.body() == null ? "" : response.body();
    if (status >= 200 && status < 300) {
      return new Answer(status, text);
    }
    throw refused(method, uri, status, text);
  }

  private CliFailure unreachable(String why) {
    return new CliFailure(ExitCodes.UNREACHABLE,
        "cannot reach the node at " + base + ": " + Cells.clean(why));
  }

  /** The node said no: its problem detail when it sent one, else the status alone. */
  private CliFailure refused(String method, URI uri, int status, String body) {
    Optional<String> detail = Optional.empty();
    Optional<String> problem = Optional.empty();
    try {
      JsonNode node = json.readTree(body);
      if (node != null && node.isObject() && node.has("status")) {
        problem = Optional.of(body);
        detail = Optional.ofNullable(node.path("detail").textValue());
      }
    } catch (JsonProcessingException e) {
      // not a problem+json (a proxy's page, an old node): the status says enough
    }
    String message = method + " " + uri.getRawPath() + ": " + status
        + detail.map(d -> " " + Cells.clean(d)).orElse("");
    if (status == 401) {
      message += " (check --token, --token-file or RELAY_TOKEN)";
    }
    return new CliFailure(ExitCodes.forStatus(status), message, problem);
  }

  private byte[] bytes(JsonNode body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a request body did not serialize", e);
    }
  }

  /** RFC 3986 percent-encoding of everything but the unreserved characters, over UTF-8. */
  static String encode(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}

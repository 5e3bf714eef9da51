package relay.http.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * An error body as RFC 9457 defines it ({@code application/problem+json}). {@code type} is
 * {@code about:blank}, so {@code title} is the status's reason phrase and {@code detail} says
 * what was wrong with this request; {@code instance} is the request's path.
 */
public record Problem(String type, String title, int status, String detail, String instance) {

  /** {@code application/problem+json} (RFC 9457 section 6.1), UTF-8 like all JSON. */
  public static final MediaType.WithFixedCharset MEDIA_TYPE =
      MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8);

  /** Details longer than this are cut: a detail may quote a value the client sent. */
  static final int MAX_DETAIL = 500;

  private static final ObjectMapper JSON = ApiJson.mapper();

  public static Problem of(StatusCode status, String detail, String instance) {
    String d = detail == null || detail.isBlank() ? status.reason() : detail.strip();
    if (d.length() > MAX_DETAIL) {
      d = d.substring(0, MAX_DETAIL) + "...";
    }
    return new Problem("about:blank", status.reason(), status.intValue(), d, instance);
  }

  /** The response carrying this problem, with {@code headers} (WWW-Authenticate, Allow). */
  public HttpResponse response(List<HttpHeader> headers) {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a problem body did not serialize", e);
    }
    return HttpResponse.create().withStatus(status).addHeaders(headers)
        .withEntity(HttpEntities.create(ContentTypes.create(MEDIA_TYPE), body));
  }

  /** Completes the request with a problem of {@code status}; instance is the request's path. */
  public static Route complete(StatusCode status, String detail) {
    return complete(status, detail, List.of());
  }

  public static Route complete(StatusCode status, String detail, List<HttpHeader> headers) {
    return Directives.extractUri(uri ->
        Directives.complete(of(status, detail, uri.path()).response(headers)));
  }
}

package relay.http.api;

import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Requests made from an endpoint's declaration, for the tests that walk every endpoint: path
 * parameters filled in (a client parameter with the client token's own client unless told
 * otherwise), a JSON body "{}" when the endpoint takes one.
 */
final class ApiProbe {

  /** The client of ApiFixture.BILLING, and another client. */
  static final String OWN = "billing";
  static final String OTHER = "payroll";

  private ApiProbe() {}

  /** {@code template} with each {param} replaced: {@code values} first, else {@link #OWN}. */
  static String path(String template, Map<String, String> values) {
    StringBuilder out = new StringBuilder();
    for (String s : template.substring(1).split("/")) {
      out.append('/');
      out.append(Endpoint.isParam(s) ? values.getOrDefault(Endpoint.paramName(s), OWN) : s);
    }
    return out.toString();
  }

  static HttpRequest request(Endpoint e, String token, Map<String, String> values) {
    return request(e.method(), path(e.path(), values), e.body().isPresent(), token);
  }

  static HttpRequest request(HttpMethod method, String path, boolean body, String token) {
    HttpRequest r = ApiFixture.req(method, path, token);
    return body ? r.withEntity(ContentTypes.APPLICATION_JSON, "{}") : r;
  }

  static HttpMethod method(String name) {
    return HttpMethods.lookup(name.toUpperCase(java.util.Locale.ROOT)).orElseThrow();
  }
}

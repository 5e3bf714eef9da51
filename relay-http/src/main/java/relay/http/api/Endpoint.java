package relay.http.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * One operation of the operator API, declared once: {@link EndpointRoutes} serves it (path,
 * method, the access check, then {@code handler}) and {@link OpenApiDocument} documents it.
 * Declare with a factory and withers, e.g.
 *
 * <pre>{@code
 * Endpoint.post("/api/v1/clients", Access.admin(), "Register a client", this::create)
 *     .status(201).body("the client (id, name, contacts, addresses...)").errors(409, 422)
 * }</pre>
 *
 * @param method the HTTP method
 * @param path the full path template, {@code /api/v1/...}, parameters as {@code {name}} whole
 *     segments; or one literal segment beside the API ({@code /metrics}) for an operation another
 *     route serves and the document only describes ({@link ApiRoutes#documenting})
 * @param access who may call (checked before the handler runs)
 * @param summary one line for the document
 * @param status the status of a successful call (200 unless set)
 * @param query documented query parameters (the handler reads them)
 * @param body the request body, when the operation takes one
 * @param produces the media type of a successful answer (application/json unless set)
 * @param errors statuses the handler itself answers beyond those every operation of its shape
 *     may get (401; 403 when its Access refuses a role or another client; 400/413/415 with a
 *     body; 400 with query parameters), e.g. 403 from a clientScoped handler, 404 for an id
 *     that names nothing, 409, 422. ApiErrorTableTest requires a row producing each 4xx
 * @param handler the route of an admitted call
 */
public record Endpoint(HttpMethod method, String path, Access access, String summary,
    int status, String produces, List<QueryParam> query, Optional<Body> body,
    Set<Integer> errors, Function<Call, Route> handler) {

  /** Every path of the API starts with this. */
  public static final String PREFIX = "/api/v1/";

  private static final Pattern PARAM = Pattern.compile("\\{[a-z][a-zA-Z0-9]*\\}");
  private static final Pattern LITERAL = Pattern.compile("[a-z0-9][a-z0-9.-]*");
  private static final Pattern BESIDE = Pattern.compile("/[a-z0-9][a-z0-9.-]*");

  /** A documented query parameter. */
  public record QueryParam(String name, String description) {}

  /** A request body: what it holds and its media types (application/json unless given). */
  public record Body(String description, List<String> mediaTypes) {}

  public Endpoint {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(produces, "produces");
    query = List.copyOf(query);
    errors = Set.copyOf(errors);
    if (summary == null || summary.isBlank()) {
      throw new IllegalArgumentException(path + ": a summary is required");
    }
    List<String> params = params(path);
    access.clientParam().ifPresent(p -> {
      if (!params.contains(p)) {
        throw new IllegalArgumentException(path + ": access names {" + p
            + "}, which is not in the path");
      }
    });
  }

  public static Endpoint get(String path, Access access, String summary,
      Function<Call, Route> handler) {
    return of(HttpMethods.GET, path, access, summary, handler);
  }

  public static Endpoint post(String path, Access access, String summary,
      Function<Call, Route> handler) {
    return of(HttpMethods.POST, path, access, summary, handler);
  }

  public static Endpoint patch(String path, Access access, String summary,
      Function<Call, Route> handler) {
    return of(HttpMethods.PATCH, path, access, summary, handler);
  }

  public static Endpoint delete(String path, Access access, String summary,
      Function<Call, Route> handler) {
    return of(HttpMethods.DELETE, path, access, summary, handler).status(204);
  }

  public static Endpoint of(HttpMethod method, String path, Access access, String summary,
      Function<Call, Route> handler) {
    return new Endpoint(method, path, access, summary, 200, "application/json", List.of(),
        Optional.empty(), Set.of(), handler);
  }

  /** The status of a successful call (201 created, 202 accepted, 204 no content...). */
  public Endpoint status(int code) {
    return new Endpoint(method, path, access, summary, code, produces, query, body, errors,
        handler);
  }

  /** The media type of a successful answer. */
  public Endpoint produces(String mediaType) {
    return new Endpoint(method, path, access, summary, status, mediaType, query, body, errors,
        handler);
  }

  /** Documents a query parameter the handler reads. */
  public Endpoint query(String name, String description) {
    List<QueryParam> more = new ArrayList<>(query);
    more.add(new QueryParam(name, description));
    return new Endpoint(method, path, access, summary, status, produces, more, body, errors,
        handler);
  }

  /** Documents a JSON request body. */
  public Endpoint body(String description) {
    return body(description, "application/json");
  }

  public Endpoint body(String description, String... mediaTypes) {
    return new Endpoint(method, path, access, summary, status, produces, query,
        Optional.of(new Body(description, List.of(mediaTypes))), errors, handler);
  }

  /** Statuses the handler answers beyond the shape's (see {@link #errors}). */
  public Endpoint errors(Integer... codes) {
    Set<Integer> more = new TreeSet<>(errors);
    more.addAll(Arrays.asList(codes));
    return new Endpoint(method, path, access, summary, status, produces, query, body, more,
        handler);
  }

  /** The names of the path's parameters, in order. */
  public List<String> params() {
    return params(path);
  }

  /** {@code "GET /api/v1/clients/{id}"}. */
  public String key() {
    return method.value() + " " + path;
  }

  /** Whether the path is under {@link #PREFIX} (served by the API's routes). */
  public boolean underApi() {
    return path.startsWith(PREFIX);
  }

  /** The path's segments after {@link #PREFIX} (the one segment of a path beside the API). */
  List<String> segments() {
    return List.of(path.substring(underApi() ? PREFIX.length() : 1).split("/"));
  }

  static boolean isParam(String segment) {
    return segment.startsWith("{");
  }

  static String paramName(String segment) {
    return segment.substring(1, segment.length() - 1);
  }

  private static List<String> params(String path) {
    if (path != null && BESIDE.matcher(path).matches()) {
      return List.of();
    }
    if (path == null || !path.startsWith(PREFIX) || path.endsWith("/")) {
      throw new IllegalArgumentException(path + ": an API path starts with " + PREFIX
          + " and does not end with /, or is one literal segment beside the API");
    }
    List<String> names = new ArrayList<>();
    for (String s : path.substring(PREFIX.length()).split("/", -1)) {
      if (PARAM.matcher(s).matches()) {
        String name = paramName(s);
        if (names.contains(name)) {
          throw new IllegalArgumentException(path + ": {" + name + "} twice");
        }
        names.add(name);
      } else if (!LITERAL.matcher(s).matches()) {
        throw new IllegalArgumentException(path + ": segment '" + s + "' is neither a literal"
            + " (lower-case letters, digits, '.', '-') nor a {parameter}");
      }
    }
    return names;
  }
}

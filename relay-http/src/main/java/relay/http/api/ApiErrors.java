package relay.http.api;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AuthenticationFailedRejection;
import org.apache.pekko.http.javadsl.server.AuthorizationFailedRejection;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.MissingQueryParamRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.RequestEntityExpectedRejection;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.javadsl.server.ValidationRejection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the HTTP server answers is {@code application/problem+json} ({@link Problem}):
 * the rejection handler maps Pekko HTTP's rejections (401 no or bad token, 403 wrong role, 404
 * unknown route, 405 method with Allow, 413 body too large, 415 media type, 400 malformed JSON,
 * unknown field or bad query parameter, 422 a value the registry refuses), Pekko's default
 * handler covers the rest and its text body becomes a problem's detail; the exception handler
 * maps a refused body thrown from a route (400/422), a registry that did not answer (503) and
 * anything else (500, logged, no internals in the body). A refused request changes nothing:
 * every check runs before the registry is called.
 */
public final class ApiErrors {

  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  /** The challenge sent with every 401 (RFC 6750 section 3). */
  public static final HttpChallenge BEARER = HttpChallenge.create("Bearer", "relay");

  private ApiErrors() {}

  /** {@code route} with both handlers: nothing leaves it but a response, errors as problems. */
  public static Route seal(Route route) {
    return Directives.handleExceptions(exceptions(),
        () -> Directives.handleRejections(rejections(), () -> route));
  }

  public static RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handle(AuthenticationFailedRejection.class, r -> unauthorized(
            "a valid bearer token is required (Authorization: Bearer <token>)"))
        .handle(AuthorizationFailedRejection.class, r -> Problem.complete(StatusCodes.FORBIDDEN,
            "this token's role may not do this"))
        .handle(ForbiddenRejection.class, r -> Problem.complete(StatusCodes.FORBIDDEN, r.detail()))
        .handle(MalformedRequestContentRejection.class, r -> body(r.getCause()))
        .handle(UnsupportedRequestContentTypeRejection.class, r -> Problem.complete(
            StatusCodes.UNSUPPORTED_MEDIA_TYPE, "the body must be "
                + r.getSupported().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(" or "))))
        .handle(RequestEntityExpectedRejection.class, r -> Problem.complete(
            StatusCodes.BAD_REQUEST, "a JSON request body is required"))
        .handle(ValidationRejection.class, r -> r.getCause().isPresent()
            ? body(r.getCause().get())
            : Problem.complete(StatusCodes.UNPROCESSABLE_ENTITY, r.message()))
        .handle(MalformedQueryParamRejection.class, r -> Problem.complete(
            StatusCodes.BAD_REQUEST, "query parameter '" + r.parameterName() + "': "
                + r.errorMsg()))
        .handle(MissingQueryParamRejection.class, r -> Problem.complete(
            StatusCodes.BAD_REQUEST, "query parameter '" + r.parameterName() + "' is required"))
        .handleAll(MethodRejection.class, rs -> {
          List<org.apache.pekko.http.javadsl.model.HttpMethod> methods = rs.stream()
              .map(MethodRejection::supported).distinct().toList();
          return Directives.extractMethod(m -> Problem.complete(StatusCodes.METHOD_NOT_ALLOWED,
              m.value() + " is not allowed here; allowed: " + methods.stream()
                  .map(x -> x.value()).collect(Collectors.joining(", ")),
              List.of(Allow.create(methods.toArray(new org.apache.pekko.http.javadsl.model.HttpMethod[0])))));
        })
        .handleNotFound(Directives.extractRequest(req -> Problem.complete(StatusCodes.NOT_FOUND,
            "no such resource: " + req.method().value() + " " + req.getUri().path())))
        .build()
        .withFallback(RejectionHandler.defaultHandler().mapRejectionResponse(ApiErrors::asProblem));
  }

  public static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(CompletionException.class, e -> e.getCause() == null ? internal(e)
            : exception(e.getCause()))
        .matchAny(ApiErrors::exception)
        .build();
  }

  /** 401 with the Bearer challenge. */
  static Route unauthorized(String detail) {
    return Problem.complete(StatusCodes.UNAUTHORIZED, detail,
        List.<HttpHeader>of(WWWAuthenticate.create(BEARER)));
  }

  private static Route exception(Throwable e) {
    if (e instanceof CompletionException && e.getCause() != null) {
      return exception(e.getCause());
    }
    if (e instanceof BadRequest) {
      return Problem.complete(StatusCodes.BAD_REQUEST, e.getMessage());
    }
    if (e instanceof ApiJson.BadJson || e instanceof IllegalArgumentException
        || e instanceof com.fasterxml.jackson.core.JsonProcessingException
        || e instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException) {
      return body(e);
    }
    if (e instanceof java.util.concurrent.RejectedExecutionException) {
      LOG.warn("relay.http: refused, a bounded executor is full: {}", e.getMessage());
      return Problem.complete(StatusCodes.SERVICE_UNAVAILABLE,
          "the relay is busy (password hashing saturated); nothing was changed: retry shortly");
    }
    if (e instanceof TimeoutException
        || e.getClass().getName().equals("org.apache.pekko.pattern.AskTimeoutException")) {
      LOG.warn("relay.http: the registry did not answer in time: {}", e.toString());
      return Problem.complete(StatusCodes.SERVICE_UNAVAILABLE,
          "the registry did not answer in time; the change may or may not have been made:"
              + " read it back, then retry");
    }
    return internal(e);
  }

  private static Route internal(Throwable e) {
    LOG.error("relay.http: request failed", e);
    return Problem.complete(StatusCodes.INTERNAL_SERVER_ERROR,
        "the request failed inside the relay; see the node's log");
  }

  private static Route body(Throwable failure) {
    BodyErrors.Verdict v = BodyErrors.classify(failure);
    return Problem.complete(v.status(), v.detail());
  }

  /** A response of Pekko's default handler, its text as the detail. */
  private static HttpResponse asProblem(HttpResponse response) {
    HttpEntity entity = response.entity();
    String text = entity instanceof HttpEntity.Strict strict ? strict.getData().utf8String() : "";
    if (entity.getContentType().mediaType().equals(Problem.MEDIA_TYPE)) {
      return response;
    }
    List<HttpHeader> headers = new java.util.ArrayList<>();
    response.getHeaders().forEach(headers::add);
    return Problem.of(response.status(), text, null).response(headers);
  }
}

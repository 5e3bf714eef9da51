package relay.http.api;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import relay.http.auth.Principal;
import relay.http.auth.TokenStore;

/**
 * Bearer-token authentication (RFC 6750, the Authorization header only: a token in the query
 * string would end up in access logs) and the role checks of the routes. No token or a scheme
 * other than Bearer: 401 with {@code WWW-Authenticate: Bearer realm="relay"}; an unknown token:
 * 401 with {@code error="invalid_token"}; a valid token whose role may not do it: 403.
 */
public final class BearerAuth {

  private static final HttpChallenge INVALID = HttpChallenge.create("Bearer", "relay",
      Map.of("error", "invalid_token"));

  private final TokenStore tokens;

  public BearerAuth(TokenStore tokens) {
    this.tokens = tokens;
  }

  public Route authenticated(Function<Principal, Route> inner) {
    return Directives.optionalHeaderValueByName("Authorization", header -> {
      if (header.isEmpty()) {
        return ApiErrors.unauthorized("a bearer token is required (Authorization: Bearer <token>)");
      }
      String value = header.get().strip();
      if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return ApiErrors.unauthorized("only bearer tokens are accepted (Authorization: Bearer"
            + " <token>)");
      }
      Optional<Principal> principal = tokens.authenticate(value.substring(7).strip());
      if (principal.isEmpty()) {
        return Problem.complete(StatusCodes.UNAUTHORIZED, "the bearer token is not valid",
            java.util.List.of(WWWAuthenticate.create(INVALID)));
      }
      return inner.apply(principal.get());
    });
  }

  /** {@code inner} when {@code allowed}, else 403 saying what the role may not do. */
  public static Route allowed(boolean allowed, String denied, Supplier<Route> inner) {
    return allowed ? inner.get() : Directives.reject(new ForbiddenRejection(denied));
  }
}

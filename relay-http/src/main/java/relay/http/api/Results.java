package relay.http.api;

import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import relay.persistence.registry.RegistryResult;

/** A registry outcome as a response: Ok to {@code ok}, NotFound 404, Conflict 409, Invalid 422. */
final class Results {

  private Results() {}

  static <T> Route of(RegistryResult<T> result, Function<T, Route> ok) {
    if (result instanceof RegistryResult.Ok<T> done) {
      return ok.apply(done.value());
    }
    if (result instanceof RegistryResult.NotFound<T> n) {
      return Problem.complete(StatusCodes.NOT_FOUND, n.detail());
    }
    if (result instanceof RegistryResult.Conflict<T> c) {
      return Problem.complete(StatusCodes.CONFLICT, c.detail());
    }
    return Problem.complete(StatusCodes.UNPROCESSABLE_ENTITY,
        ((RegistryResult.Invalid<T>) result).detail());
  }
}

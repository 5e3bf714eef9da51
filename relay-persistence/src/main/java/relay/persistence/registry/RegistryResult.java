package relay.persistence.registry;

import java.util.function.Function;

/**
 * The outcome of a registry call that the caller can act on: {@link Ok} with the value, or a
 * refusal that changed nothing, with a {@code detail} fit for an API error body. The HTTP API
 * maps NotFound to 404, Conflict to 409, Invalid to 422 (or 400). A call that did not complete
 * (timeout, the registry unavailable) is a failed stage, not a result.
 */
public sealed interface RegistryResult<T> {

  /** Done; {@code value} is what was created, replaced, removed or read. */
  record Ok<T>(T value) implements RegistryResult<T> {}

  /** No client or block with that id. */
  record NotFound<T>(String detail) implements RegistryResult<T> {}

  /** Clashes with what exists: an id taken, an address registered to another client. */
  record Conflict<T>(String detail) implements RegistryResult<T> {}

  /** A value the registry refuses (range, bad domain, until in the past...). */
  record Invalid<T>(String detail) implements RegistryResult<T> {}

  static <T> RegistryResult<T> ok(T value) {
    return new Ok<>(value);
  }

  /** The same outcome with the value mapped; refusals are kept as they are. */
  default <U> RegistryResult<U> map(Function<? super T, ? extends U> f) {
    if (this instanceof Ok<T> ok) {
      return new Ok<>(f.apply(ok.value()));
    }
    if (this instanceof NotFound<T> n) {
      return new NotFound<>(n.detail());
    }
    if (this instanceof Conflict<T> c) {
      return new Conflict<>(c.detail());
    }
    return new Invalid<>(((Invalid<T>) this).detail());
  }
}

package relay.http.api;

/** A request whose form the API refuses (400), found by a route rather than by Jackson. */
final class BadRequest extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BadRequest(String detail) {
    super(detail);
  }
}

package relay.http.api;

import java.util.Map;

/**
 * One authenticated, authorised call of an {@link Endpoint}: who makes it and the values of the
 * path template's parameters ({@code /clients/{id}} -> {@code param("id")}), undecoded segments.
 */
public record Call(relay.http.auth.Principal principal, Map<String, String> params) {

  public Call {
    params = Map.copyOf(params);
  }

  /** The value of path parameter {@code name}; a name not in the template is a bug. */
  public String param(String name) {
    String v = params.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no path parameter {" + name + "} in this endpoint");
    }
    return v;
  }
}

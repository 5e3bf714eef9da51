package relay.persistence.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a client's registration came from: the node's configuration file ({@code relay.clients},
 * imported at start) or the HTTP API. An import never overwrites a client created through the
 * API.
 */
public enum ClientOrigin {
  CONFIG, API;

  @JsonValue
  public String wireName() {
    return WireNames.of(this);
  }

  @JsonCreator
  public static ClientOrigin fromWire(String name) {
    return WireNames.parse("origin", name, values());
  }
}

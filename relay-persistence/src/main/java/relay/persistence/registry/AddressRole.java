package relay.persistence.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a client's registered address is for: {@code production} and {@code standby} addresses
 * relay whenever the client is active; {@code test} addresses only within the client's test
 * window. Written in lower case on the wire.
 */
public enum AddressRole {
  PRODUCTION, STANDBY, TEST;

  @JsonValue
  public String wireName() {
    return WireNames.of(this);
  }

  @JsonCreator
  public static AddressRole fromWire(String name) {
    return WireNames.parse("role", name, values());
  }
}

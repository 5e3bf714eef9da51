package relay.persistence.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Whether a client may relay: a suspended client is refused at connect ({@code 554 5.7.1}). */
public enum ClientState {
  ACTIVE, SUSPENDED;

  @JsonValue
  public String wireName() {
    return WireNames.of(this);
  }

  @JsonCreator
  public static ClientState fromWire(String name) {
    return WireNames.parse("state", name, values());
  }
}

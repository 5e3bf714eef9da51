package relay.persistence.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What an API token may do: {@code admin} everything, {@code viewer} read everything, {@code
 * client} read its own client's resources only. Wire names are lower case.
 */
public enum TokenRole {
  ADMIN, VIEWER, CLIENT;

  @JsonValue
  public String wireName() {
    return WireNames.of(this);
  }

  @JsonCreator
  public static TokenRole parse(String name) {
    return WireNames.parse("role", name, values());
  }
}

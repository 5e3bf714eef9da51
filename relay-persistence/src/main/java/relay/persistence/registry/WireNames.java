package relay.persistence.registry;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The lower-case wire names of the registry's enums ("sender-domain" for SENDER_DOMAIN). */
final class WireNames {

  private WireNames() {}

  static String of(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The constant whose wire name is {@code name} (any case), or a message naming the field. */
  static <E extends Enum<E>> E parse(String field, String name, E[] values) {
    for (E value : values) {
      if (of(value).equalsIgnoreCase(name)) {
        return value;
      }
    }
    throw new IllegalArgumentException(field + ": " + (name == null ? "missing" : "\"" + name
        + "\" is not one of " + Arrays.stream(values).map(WireNames::of)
            .collect(Collectors.joining(", "))));
  }
}

package relay.persistence.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.regex.Pattern;
import relay.persistence.CborSerializable;

/**
 * A client's id: a slug of lower-case letters, digits and '-', 1 to 63 characters, starting with
 * a letter or digit ({@code [a-z0-9][a-z0-9-]{0,62}}). It appears in URLs
 * ({@code /api/v1/clients/{id}}), logs and block values, so it has no characters that need
 * escaping. Serialized as the bare string.
 */
public record ClientId(String value) implements CborSerializable, Comparable<ClientId> {

  private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  public ClientId {
    if (value == null || !SLUG.matcher(value).matches()) {
      throw new IllegalArgumentException("id: " + (value == null ? "missing" : "\"" + value + "\"")
          + " is not a client id: 1 to 63 lower-case letters, digits or '-', starting with a"
          + " letter or digit");
    }
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static ClientId of(String value) {
    return new ClientId(value);
  }

  /**
   * The id derived from a configured client's name (config import): lower case, every run of
   * other characters made one '-', leading and trailing '-' dropped, cut to 63 characters.
   * "Billing App (EU)" becomes "billing-app-eu".
   */
  public static ClientId slugOf(String name) {
    String slug = name == null ? "" : name.toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (slug.length() > 63) {
      slug = slug.substring(0, 63).replaceAll("-+$", "");
    }
    if (slug.isEmpty()) {
      throw new IllegalArgumentException("name: \"" + name
          + "\" has no letter or digit to make a client id of");
    }
    return new ClientId(slug);
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  @Override
  public int compareTo(ClientId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}

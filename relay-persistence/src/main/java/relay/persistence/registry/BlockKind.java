package relay.persistence.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a block refuses, and where it is checked: {@code ip} and {@code client} at connect,
 * {@code sender} and {@code sender-domain} at MAIL, {@code recipient-domain} at RCPT. On the wire
 * by {@link #wireName()}.
 */
public enum BlockKind {
  IP, CLIENT, SENDER, SENDER_DOMAIN, RECIPIENT_DOMAIN;

  /** ip, client, sender, sender-domain, recipient-domain. */
  @JsonValue
  public String wireName() {
    return WireNames.of(this);
  }

  @JsonCreator
  public static BlockKind fromWire(String name) {
    return WireNames.parse("kind", name, values());
  }

  /**
   * {@code value} in the canonical form blocks of this kind are filed under: a canonical IP
   * (ranges refused), a client id, a lower-case mailbox, a lower-case A-label domain. An invalid
   * value is an {@link IllegalArgumentException} whose message starts with "value".
   */
  public String normalise(String value) {
    switch (this) {
      case IP:
        return IpAddresses.canonical("value", value);
      case CLIENT:
        if (value == null || value.isBlank()) {
          throw new IllegalArgumentException("value: a client id is required");
        }
        try {
          return new ClientId(value.strip()).value();
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("value" + e.getMessage().substring("id".length()));
        }
      case SENDER:
        return Names.mailbox("value", value, true);
      default:
        return Names.domain("value", value);
    }
  }
}

package relay.protocol.address;

import java.util.Locale;
import java.util.Objects;

/**
 * A syntactically valid mailbox (RFC 5321 4.1.2 / RFC 6531): local part exactly as given (it is
 * case sensitive, RFC 5321 2.4) and domain. {@link #domainKey()} is the lower-case domain used to
 * pick the destination queue.
 */
public record Mailbox(String localPart, String domain) {

  public Mailbox {
    Objects.requireNonNull(localPart, "localPart");
    Objects.requireNonNull(domain, "domain");
  }

  /** Lower-case destination domain: the key of the DeliveryQueue entity for this recipient. */
  public String domainKey() {
    return domain.toLowerCase(Locale.ROOT);
  }

  /** The address as written in a path or header: local@domain. */
  public String address() {
    return localPart + "@" + domain;
  }

  @Override
  public String toString() {
    return address();
  }
}

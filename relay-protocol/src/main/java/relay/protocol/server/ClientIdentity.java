package relay.protocol.server;

import java.util.Objects;
import java.util.Optional;

/**
 * Who is on the other end of a connection, as the {@link ClientPolicy} established it:
 * {@code remoteIp} as text (no brackets, e.g. "192.0.2.1" or "2001:db8::1"), the name of the
 * registered client when the connection was identified (by its registered IP now, by AUTH later),
 * and the operator's rules for its envelopes ({@link EnvelopePolicy#NONE} when there are none).
 */
public record ClientIdentity(String remoteIp, Optional<String> clientName,
    EnvelopePolicy envelope) {

  public ClientIdentity {
    Objects.requireNonNull(remoteIp, "remoteIp");
    Objects.requireNonNull(clientName, "clientName");
    Objects.requireNonNull(envelope, "envelope");
  }

  /** An identity without envelope rules. */
  public ClientIdentity(String remoteIp, Optional<String> clientName) {
    this(remoteIp, clientName, EnvelopePolicy.NONE);
  }

  /** An unidentified connection: it may only mail the relay's own addresses (postmaster). */
  public static ClientIdentity anonymous(String remoteIp) {
    return new ClientIdentity(remoteIp, Optional.empty());
  }

  /** A registered client. */
  public static ClientIdentity registered(String remoteIp, String clientName) {
    return new ClientIdentity(remoteIp, Optional.of(clientName));
  }

  /** The same identity under the operator's {@code rules}. */
  public ClientIdentity withEnvelope(EnvelopePolicy rules) {
    return new ClientIdentity(remoteIp, clientName, rules);
  }

  /** Whether mail from this client may go to any domain (never an open relay). */
  public boolean mayRelay() {
    return clientName.isPresent();
  }
}

package relay.protocol.server;

import java.util.Objects;

/**
 * The {@link ClientPolicy}'s verdict on a new connection, given before the greeting: admitted
 * (with the slot to release when the connection ends) or refused because the client already has
 * its maximum of concurrent sessions. A policy that cannot decide fails its stage instead, which
 * the session answers with a temporary 421 4.3.0.
 */
public sealed interface Admission {

  /** Who is connecting, as the policy identified it. */
  ClientIdentity client();

  /** Greet the client; release {@code slot} when the connection ends. */
  record Admitted(ClientIdentity client, SessionSlot slot) implements Admission {
    public Admitted {
      Objects.requireNonNull(client, "client");
      Objects.requireNonNull(slot, "slot");
    }
  }

  /** The client is at its concurrent-session limit: 421 4.4.5 and close (nothing to release). */
  record TooManySessions(ClientIdentity client) implements Admission {
    public TooManySessions {
      Objects.requireNonNull(client, "client");
    }
  }

  /** Admits a connection that holds no slot (e.g. an unregistered client). */
  static Admission withoutSlot(ClientIdentity client) {
    return new Admitted(client, SessionSlot.NONE);
  }
}

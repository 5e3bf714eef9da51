package relay.protocol.server;

import java.util.Optional;

/**
 * Relay policy at RCPT (never an open relay): only an identified client may mail any domain; an
 * unidentified connection may only reach the relay's own {@code <postmaster>} (RFC 5321 4.5.1),
 * which the session lets through before asking this check.
 */
final class RelayCheck {

  private RelayCheck() {}

  static boolean mayRelay(Optional<ClientIdentity> client) {
    return client.map(ClientIdentity::mayRelay).orElse(false);
  }
}

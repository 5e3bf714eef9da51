package relay.node.smtp;

import java.time.Instant;
import java.util.Optional;
import relay.persistence.lockout.Lockouts;
import relay.persistence.registry.AddressRole;
import relay.persistence.registry.BlockKind;
import relay.persistence.registry.ClientAddress;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.ClientState;
import relay.persistence.registry.RegistrySnapshot;
import relay.protocol.server.Admission;
import relay.protocol.server.ClientIdentity;

/**
 * The operator's verdict on a new connection, before any session slot is taken, in this order:
 * an operator's block of the source address, a block of its client (554 5.7.1 with the
 * operator's reason), a lockout of the address after failed logins (421 4.7.0 with when it ends,
 * registered client or not: the attacker may sit behind a client's address), a suspended
 * client, a {@code test} address outside its client's test window (554 5.7.1). A
 * {@code production} or {@code standby} address, or a test address inside the window, passes.
 * An address no client registered passes too, as unidentified, but only once the node's view
 * of the registry is complete: before (seconds after a full cluster restart) it may be a client
 * the view does not hold yet, so it gets a temporary 421 4.3.0 instead of being treated as a
 * stranger whose RCPT would get a permanent 554 (a known block is refused all the same).
 */
final class ConnectCheck {

  private ConnectCheck() {}

  /**
   * The refusal of {@code identity} connecting from {@code ip} (canonical) at {@code now}, or
   * empty to go on; {@code client} is the client that registered the address; {@code complete}
   * whether {@code registry} is the whole registry ({@link
   * relay.persistence.registry.RegistryView#complete}).
   */
  static Optional<Admission.Refused> check(RegistrySnapshot registry, boolean complete, String ip,
      Optional<ClientRecord> client, ClientIdentity identity, Instant now) {
    Optional<Admission.Refused> blocked = Lockouts.operatorBlock(registry, ip, now)
        .map(b -> new Admission.Refused(identity, Admission.Refusal.BLOCKED, b.reason()))
        .or(() -> client.flatMap(c -> registry.activeBlock(BlockKind.CLIENT, c.id().value(), now))
            .map(b -> new Admission.Refused(identity, Admission.Refusal.CLIENT_BLOCKED,
                b.reason())))
        .or(() -> Lockouts.active(registry, ip, now)
            .map(b -> Admission.lockedOut(identity, b.until().get())));
    if (blocked.isPresent()) {
      return blocked;
    }
    if (client.isEmpty()) {
      return complete ? Optional.empty()
          : Optional.of(new Admission.Refused(identity, Admission.Refusal.REGISTRY_INCOMPLETE));
    }
    ClientRecord record = client.get();
    if (record.state() == ClientState.SUSPENDED) {
      return Optional.of(new Admission.Refused(identity, Admission.Refusal.CLIENT_SUSPENDED));
    }
    boolean test = record.address(ip).map(ClientAddress::role).orElse(AddressRole.PRODUCTION)
        == AddressRole.TEST;
    if (test && !record.testWindow().map(w -> w.contains(now)).orElse(false)) {
      return Optional.of(new Admission.Refused(identity, Admission.Refusal.OUTSIDE_TEST_WINDOW));
    }
    return Optional.empty();
  }
}

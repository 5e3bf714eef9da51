package relay.http.api;

import java.util.List;
import relay.persistence.registry.ClientAddress;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.ClientLimits;
import relay.persistence.registry.ClientOrigin;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.ClientState;
import relay.persistence.registry.TestWindow;

/**
 * A client as POST /api/v1/clients takes it (and a PATCH's merged result): a {@link
 * ClientRecord} without {@code origin}, which the API sets. Absent {@code state} is active;
 * absent lists are empty (contacts then refused: at least one is required).
 */
record ClientBody(ClientId id, String name, List<String> contacts,
    List<ClientAddress> addresses, List<String> senderDomains, ClientLimits limits,
    ClientState state, TestWindow testWindow) {

  /** The record; IllegalArgumentException (422) naming the field when a value is refused. */
  ClientRecord toRecord(ClientOrigin origin) {
    return new ClientRecord(id, name, contacts, addresses, senderDomains, limits,
        state == null ? ClientState.ACTIVE : state, java.util.Optional.ofNullable(testWindow),
        origin);
  }
}

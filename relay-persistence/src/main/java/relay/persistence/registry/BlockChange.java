package relay.persistence.registry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import relay.persistence.CborSerializable;

/**
 * A block that was added, removed or expired, with the clients it concerns as they were
 * registered at that moment ({@link BlockSubjects}): what the registry tells its {@link
 * BlockListener} after the change is persisted (the notices to clients' contacts).
 *
 * @param actor who made the change (the registry itself for an expiry)
 * @param at when the change was persisted
 */
public record BlockChange(Change change, Block block, List<ClientRecord> clients, String actor,
    Instant at) implements CborSerializable {

  public enum Change { ADDED, REMOVED, EXPIRED }

  public BlockChange {
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(block, "block");
    clients = List.copyOf(clients);
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(at, "at");
  }
}

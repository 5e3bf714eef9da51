package relay.persistence.registry;

import com.typesafe.config.Config;
import java.time.Duration;
import relay.protocol.settings.Bounds;

/**
 * Settings of the client registry (keys under {@code relay.registry}), read once at start and
 * checked: a value out of bounds stops the node with a message naming the key.
 *
 * @param askTimeout how long the API waits for the registry entity's answer; a timeout is a
 *     failed call (the change may or may not have happened)
 * @param writeTimeout how long a replication write waits for every node's acknowledgement
 *     (WriteAll) before it leaves the rest to gossip
 * @param viewWait how long a change waits, after it was persisted, to be visible in this
 *     node's view before the API answers (read-your-writes on the node that made it)
 * @param auditEntries how many of the newest audit entries the entity keeps
 * @param maxClients most clients the registry holds (every node keeps them all in memory)
 * @param maxBlocks most blocks the registry holds
 * @param maxTokens most API tokens the registry holds
 * @param maxCredentials most SMTP AUTH credentials the registry holds (all clients together)
 * @param snapshotEvery a snapshot of the entity every this many events
 * @param importContact contact address given to clients imported from relay.clients (the
 *     configuration file has no contacts)
 * @param importRetry how often the node retries the import while the registry is not reachable
 */
public record RegistrySettings(Duration askTimeout, Duration writeTimeout, Duration viewWait,
    int auditEntries, int maxClients, int maxBlocks, int maxTokens, int maxCredentials,
    int snapshotEvery, String importContact, Duration importRetry) {

  public RegistrySettings {
    Bounds.within("relay.registry.ask-timeout", askTimeout, Duration.ofMillis(100),
        Duration.ofMinutes(1));
    Bounds.within("relay.registry.write-timeout", writeTimeout, Duration.ofMillis(10),
        Duration.ofSeconds(30));
    Bounds.within("relay.registry.view-wait", viewWait, Duration.ZERO, Duration.ofSeconds(30));
    Bounds.within("relay.registry.audit-entries", auditEntries, 0, 100_000);
    Bounds.within("relay.registry.max-clients", maxClients, 1, 50_000);
    Bounds.within("relay.registry.max-blocks", maxBlocks, 1, 50_000);
    Bounds.within("relay.registry.max-tokens", maxTokens, 1, 10_000);
    Bounds.within("relay.registry.max-credentials", maxCredentials, 1, 50_000);
    Bounds.within("relay.registry.snapshot-every", snapshotEvery, 1, 100_000);
    importContact = Names.mailbox("relay.registry.import.contact", importContact, false);
    Bounds.within("relay.registry.import.retry", importRetry, Duration.ofMillis(10),
        Duration.ofMinutes(10));
  }

  /** From the {@code relay.registry} section. */
  public static RegistrySettings fromConfig(Config section) {
    return new RegistrySettings(section.getDuration("ask-timeout"),
        section.getDuration("write-timeout"), section.getDuration("view-wait"),
        section.getInt("audit-entries"), section.getInt("max-clients"),
        section.getInt("max-blocks"), section.getInt("max-tokens"),
        section.getInt("max-credentials"),
        section.getInt("snapshot-every"),
        section.getString("import.contact"), section.getDuration("import.retry"));
  }
}

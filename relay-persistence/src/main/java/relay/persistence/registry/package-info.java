/**
 * The client registry and the block lists: who may relay from where, with which limits, and what
 * is refused (ip, client, sender, sender-domain, recipient-domain).
 *
 * <p>The model ({@link relay.persistence.registry.ClientRecord}, {@link
 * relay.persistence.registry.Block} and their parts) is immutable and validated on construction:
 * a bad value is an {@link java.lang.IllegalArgumentException} whose message starts with the
 * field, fit for an API error body. Addresses are single IPv4/IPv6 literals in canonical form
 * (RFC 5952 for IPv6), never looked up in DNS, never ranges; domains are lower-case A-labels
 * (RFC 5890, UTS #46 as {@link relay.protocol.address.DomainNames}); mailboxes follow RFC 5321
 * syntax as {@link relay.protocol.address.MailboxParser} reads it.
 *
 * <p>Access: API tokens ({@link relay.persistence.registry.ApiToken}, SHA-256 only) and SMTP
 * AUTH credentials ({@link relay.persistence.registry.Credential}: several per client, a
 * username unique ignoring case, the password's Argon2id hash only) are part of the registry,
 * replicated with it, removed with their client. The entity's decisions on clients, tokens and
 * credentials are made from its state by small helpers ({@code RegistryClients}, {@code
 * RegistryTokens}, {@code RegistryCredentials}) that return a {@code Decision}.
 *
 * <p>Ports: {@link relay.persistence.registry.RegistryService} is what the HTTP API calls (every
 * refusal a {@link relay.persistence.registry.RegistryResult}, never an exception); {@link
 * relay.persistence.registry.RegistryView} is what the SMTP checks read, an immutable {@link
 * relay.persistence.registry.RegistrySnapshot} held in memory on every node.
 *
 * <p>Running it: {@link relay.persistence.registry.Registry#start} starts, per node, the {@link
 * relay.persistence.registry.RegistryEntity} (one event-sourced entity, a Cluster Singleton: the
 * source of truth and the audit log), the {@link relay.persistence.registry.RegistryPublisher}
 * that writes the entity's state into Distributed Data after each event, the {@link
 * relay.persistence.registry.ReplicatedRegistryView} that follows it (a change is on every node
 * in about 100-150 ms, measured on two nodes), and the {@link
 * relay.persistence.registry.EntityRegistryService}. The replicas are not durable: after a full
 * cluster restart the views start empty and fill once the entity has recovered from the journal
 * (about 1.5 s after the first node started, measured on H2).
 */
package relay.persistence.registry;

/**
 * The login lockout (SMTP AUTH, RFC 4954): relay.auth.lockout.failures failed logins from one
 * source address within relay.auth.lockout.window lock it out for relay.auth.lockout.duration on
 * every node: 421 4.7.0 at connect with when it ends, and {@link
 * relay.protocol.server.AuthOutcome.LockedOut} for an AUTH on a connection opened before.
 *
 * <p><b>Why one counting singleton, and the lockout a block.</b> The failures of one address may
 * arrive through any node, so they are counted in one place for the cluster: the {@link
 * relay.persistence.lockout.LoginFailureEntity}, an event-sourced Cluster Singleton that each
 * node tells of every failure ({@link relay.persistence.lockout.LoginLockout#failed}, one ask of
 * a few milliseconds on the failure path only: a successful login or a connection never comes
 * here). A sharded entity per address would spread the load, but failures are rare (each one
 * costs the node a password hash first, which bounds their rate far below what one entity
 * persists), and a singleton can cap the number of addresses counted, which per-address entities
 * cannot. The lockout itself is not kept beside the blocks but is one: a temporary {@code ip}
 * block made through the registry's normal path ({@link
 * relay.persistence.registry.RegistryService#addBlock}) by the actor {@value
 * relay.persistence.lockout.Lockouts#ACTOR}, so it reaches every node's view within the
 * registry's replication time (about 100-150 ms), is read at connect without a round trip, is
 * listed, audited and lifted through the API like any block, expires by itself, and survives a
 * full cluster restart. {@link relay.persistence.lockout.Lockouts} tells a lockout from an
 * operator's block (which keeps its 554 5.7.1 and wins over a lockout).
 *
 * <p><b>Counting</b>: only wrong credentials count (the node's AUTH check reports {@link
 * relay.protocol.server.AuthOutcome.InvalidCredentials} through {@link
 * relay.persistence.lockout.LoginFailures#guard}); a successful login does not reset the count
 * (the rule is N failures within the window); failures from an address already locked out are
 * not counted. A registered client's address is locked out like any other.
 *
 * <p><b>Bounds and failures</b>: see {@link relay.persistence.lockout.LoginFailureEntity} for the
 * caps (max-addresses, max-lockouts) and what happens at each. When the singleton does not
 * answer within relay.auth.lockout.ask-timeout the failure is not counted (logged) and the
 * client gets its 535: a counter that is down never locks anyone out, nor stops a login. XXX:
 * counted per address; an IPv6 attacker with a /64 has many addresses (per-prefix counting
 * would close that).
 */
package relay.persistence.lockout;

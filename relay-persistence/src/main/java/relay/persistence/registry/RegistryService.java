package relay.persistence.registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the HTTP API calls to read and change the client registry and the block lists. Changes go
 * to the one registry entity (persisted, audited) and reach every node's {@link RegistryView}
 * within a second; reads come from this node's view. Every method completes with a {@link
 * RegistryResult}; a stage that fails (timeout, registry unavailable) changed nothing the caller
 * can rely on and may be retried.
 *
 * <p>{@code actor} is who asks (the token's name), recorded in the audit log.
 */
public interface RegistryService {

  /** Registers a new client; Conflict when the id exists or an address belongs to another. */
  CompletionStage<RegistryResult<ClientRecord>> createClient(ClientRecord client, String actor);

  /**
   * Replaces the client with {@code client.id()} (the API applies a PATCH to the current record
   * and sends the result); NotFound when there is none, Conflict when an address belongs to
   * another client.
   */
  CompletionStage<RegistryResult<ClientRecord>> replaceClient(ClientRecord client, String actor);

  /**
   * Removes a client, revokes its client tokens and removes its credentials; Ok with the removed record, NotFound when
   * there is none.
   */
  CompletionStage<RegistryResult<ClientRecord>> deleteClient(ClientId id, String actor);

  /**
   * Adds a block with a generated id; Invalid when the value does not fit the kind, the reason
   * is missing or {@code until} is not in the future.
   */
  CompletionStage<RegistryResult<Block>> addBlock(BlockKind kind, String value, String reason,
      Optional<Instant> until, String actor);

  /** Removes a block; Ok with the removed block, NotFound when there is none. */
  CompletionStage<RegistryResult<Block>> removeBlock(String id, String actor);

  /**
   * Records an operator action on something outside the registry (a queue held, retried,
   * bounced) in the audit log; Ok with the entry as persisted (time decided by the registry).
   */
  CompletionStage<RegistryResult<AuditEntry>> recordAction(String action, String subject,
      String detail, String actor);

  /** The newest {@code limit} audit entries, newest first. */
  CompletionStage<RegistryResult<List<AuditEntry>>> audit(int limit);

  /** Every client, by id (from this node's view). */
  CompletionStage<RegistryResult<List<ClientRecord>>> clients();

  /** One client (from this node's view); NotFound when there is none. */
  CompletionStage<RegistryResult<ClientRecord>> client(ClientId id);

  /** Every block, by id, expired ones not yet removed left out (from this node's view). */
  CompletionStage<RegistryResult<List<Block>>> blocks();

  /**
   * Records an API token by its SHA-256 ({@code hash}, hex; the token itself never comes here)
   * with a generated id; Conflict when a token in force has {@code name} or the registry is
   * full, Invalid when a client token's client does not exist or a value is refused.
   */
  CompletionStage<RegistryResult<ApiToken>> createToken(String name, TokenRole role,
      Optional<ClientId> client, String hash, String actor);

  /** Revokes a token; Ok with the revoked record, NotFound when there is none. */
  CompletionStage<RegistryResult<ApiToken>> revokeToken(String id, String actor);

  /** Every token in force, by id (from this node's view). */
  CompletionStage<RegistryResult<List<ApiToken>>> tokens();

  /**
   * Records an SMTP AUTH credential of {@code client} by its password's Argon2id PHC string
   * ({@code hash}; the password itself never comes here), with a generated id, and the username
   * given or, when empty, one made from the client id. NotFound for an unknown client; Conflict
   * when the username is taken (ignoring case) or the registry is full; Invalid for a bad value
   * (username, note, an {@code expires} not in the future).
   */
  CompletionStage<RegistryResult<Credential>> addCredential(ClientId client,
      Optional<String> username, Optional<String> note, Optional<Instant> expires, String hash,
      String actor);

  /** Removes credential {@code id} of {@code client}; NotFound when it has none such. */
  CompletionStage<RegistryResult<Credential>> removeCredential(ClientId client, String id,
      String actor);

  /** The credentials of {@code client} (from this node's view); NotFound for no such client. */
  CompletionStage<RegistryResult<List<Credential>>> credentials(ClientId client);
}

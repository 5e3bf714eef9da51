package relay.http.testing;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import relay.persistence.registry.ApiToken;
import relay.persistence.registry.AuditEntry;
import relay.persistence.registry.Block;
import relay.persistence.registry.BlockKind;
import relay.persistence.registry.ClientAddress;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.Credential;
import relay.persistence.registry.RegistryResult;
import relay.persistence.registry.RegistryService;
import relay.persistence.registry.RegistrySnapshot;
import relay.persistence.registry.RegistryView;
import relay.persistence.registry.TokenRole;

/**
 * TEST DOUBLE: a {@link RegistryService} in memory, for route tests of status codes and bodies
 * until the entity-backed service can run in them. It refuses what the registry entity refuses
 * (an id that exists, an address of another client, a token name or a username in use:
 * Conflict; an unknown
 * id: NotFound; a block value, reason or until, a token value or a token's unknown client the
 * model refuses: Invalid), records an audit entry per change and offers the snapshot a view
 * would show (tokens authenticate through it). Not
 * a replacement for the real service: no persistence, no replication.
 */
public final class InMemoryRegistryService implements RegistryService {

  private final Clock clock;
  private final Map<ClientId, ClientRecord> clients = new TreeMap<>();
  private final Map<String, Block> blocks = new LinkedHashMap<>();
  private final List<AuditEntry> audit = new ArrayList<>();
  private final Map<String, ApiToken> tokens = new TreeMap<>();
  private long tokensAdded;
  private final Map<String, Credential> credentials = new LinkedHashMap<>();
  private long credentialsAdded;
  private long changes;
  private volatile RegistrySnapshot snapshot = RegistrySnapshot.EMPTY;

  public InMemoryRegistryService(Clock clock) {
    this.clock = clock;
  }

  /** How many changes were made: a refused request must leave it as it was. */
  public synchronized long changes() {
    return changes;
  }

  /** Everything held, for before/after comparisons. */
  public synchronized String state() {
    return clients.values() + " " + blocks.values() + " " + tokens.values() + " "
        + credentials.values();
  }

  /** What a node's view would show: clients, blocks and tokens, after each change. */
  public RegistryView view() {
    return () -> snapshot;
  }

  @Override
  public synchronized CompletionStage<RegistryResult<ClientRecord>> createClient(
      ClientRecord client, String actor) {
    if (clients.containsKey(client.id())) {
      return done(new RegistryResult.Conflict<>("client " + client.id() + " exists"));
    }
    return store(client, actor, "client-created");
  }

  @Override
  public synchronized CompletionStage<RegistryResult<ClientRecord>> replaceClient(
      ClientRecord client, String actor) {
    if (!clients.containsKey(client.id())) {
      return done(new RegistryResult.NotFound<>("no client " + client.id()));
    }
    return store(client, actor, "client-replaced");
  }

  @Override
  public synchronized CompletionStage<RegistryResult<ClientRecord>> deleteClient(ClientId id,
      String actor) {
    ClientRecord removed = clients.remove(id);
    if (removed == null) {
      return done(new RegistryResult.NotFound<>("no client " + id));
    }
    record(actor, "client-deleted", id.value(), removed.name());
    for (ApiToken t : List.copyOf(tokens.values())) {
      if (t.client().equals(Optional.of(id))) {
        tokens.remove(t.id());
        record(actor, "token-revoked", t.id(), t.name());
      }
    }
    for (Credential c : List.copyOf(credentials.values())) {
      if (c.client().equals(id)) {
        credentials.remove(c.id());
        record(actor, "credential-removed", c.id(), c.username());
      }
    }
    return done(RegistryResult.ok(removed));
  }

  @Override
  public synchronized CompletionStage<RegistryResult<Block>> addBlock(BlockKind kind,
      String value, String reason, Optional<Instant> until, String actor) {
    Block block;
    try {
      block = new Block(UUID.randomUUID().toString(), kind, value, reason, until, actor,
          clock.instant());
    } catch (IllegalArgumentException e) {
      return done(new RegistryResult.Invalid<>(e.getMessage()));
    }
    blocks.put(block.id(), block);
    record(actor, "block-added", block.id(), kind.wireName() + " " + block.value());
    return done(RegistryResult.ok(block));
  }

  @Override
  public synchronized CompletionStage<RegistryResult<Block>> removeBlock(String id,
      String actor) {
    Block removed = blocks.remove(id);
    if (removed == null) {
      return done(new RegistryResult.NotFound<>("no block " + id));
    }
    record(actor, "block-removed", id, removed.kind().wireName() + " " + removed.value());
    return done(RegistryResult.ok(removed));
  }

  @Override
  public synchronized CompletionStage<RegistryResult<AuditEntry>> recordAction(String action,
      String subject, String detail, String actor) {
    record(actor, action, subject, detail);
    return done(RegistryResult.ok(audit.get(audit.size() - 1)));
  }

  @Override
  public synchronized CompletionStage<RegistryResult<List<AuditEntry>>> audit(int limit) {
    List<AuditEntry> newest = new ArrayList<>();
    for (int i = audit.size() - 1; i >= 0 && newest.size() < limit; i--) {
      newest.add(audit.get(i));
    }
    return done(RegistryResult.ok(List.copyOf(newest)));
  }

  @Override
  public synchronized CompletionStage<RegistryResult<List<ClientRecord>>> clients() {
    return done(RegistryResult.ok(List.copyOf(clients.values())));
  }

  @Override
  public synchronized CompletionStage<RegistryResult<ClientRecord>> client(ClientId id) {
    ClientRecord c = clients.get(id);
    return done(c == null ? new RegistryResult.NotFound<>("no client " + id)
        : RegistryResult.ok(c));
  }

  @Override
  public synchronized CompletionStage<RegistryResult<List<Block>>> blocks() {
    Instant now = clock.instant();
    return done(RegistryResult.ok(blocks.values().stream().filter(b -> b.activeAt(now))
        .toList()));
  }

  @Override
  public synchronized CompletionStage<RegistryResult<ApiToken>> createToken(String name,
      TokenRole role, Optional<ClientId> client, String hash, String actor) {
    if (name != null && tokens.values().stream().anyMatch(t -> t.name().equals(name.strip()))) {
      return done(new RegistryResult.Conflict<>("a token named '" + name.strip() + "' exists"));
    }
    if (client.isPresent() && !clients.containsKey(client.get())) {
      return done(new RegistryResult.Invalid<>("client: no client " + client.get().value()));
    }
    ApiToken token;
    try {
      token = new ApiToken("t" + (tokensAdded + 1), name, role, client, hash, actor,
          clock.instant());
    } catch (IllegalArgumentException e) {
      return done(new RegistryResult.Invalid<>(e.getMessage()));
    }
    tokensAdded++;
    tokens.put(token.id(), token);
    record(actor, "token-created", token.id(), token.name());
    return done(RegistryResult.ok(token));
  }

  @Override
  public synchronized CompletionStage<RegistryResult<ApiToken>> revokeToken(String id,
      String actor) {
    ApiToken removed = tokens.remove(id);
    if (removed == null) {
      return done(new RegistryResult.NotFound<>("no token " + id));
    }
    record(actor, "token-revoked", id, removed.name());
    return done(RegistryResult.ok(removed));
  }

  @Override
  public synchronized CompletionStage<RegistryResult<List<ApiToken>>> tokens() {
    return done(RegistryResult.ok(List.copyOf(tokens.values())));
  }

  @Override
  public synchronized CompletionStage<RegistryResult<Credential>> addCredential(ClientId client,
      Optional<String> username, Optional<String> note, Optional<Instant> expires, String hash,
      String actor) {
    if (!clients.containsKey(client)) {
      return done(new RegistryResult.NotFound<>("no client " + client));
    }
    String id = "c" + (credentialsAdded + 1);
    String name = username.orElseGet(() -> Credential.defaultUsername(client, id, this::taken));
    if (taken(name)) {
      return done(new RegistryResult.Conflict<>("username '" + name + "' is taken"));
    }
    if (expires.isPresent() && !expires.get().isAfter(clock.instant())) {
      return done(new RegistryResult.Invalid<>("expires: " + expires.get()
          + " is not in the future"));
    }
    Credential credential;
    try {
      credential = new Credential(id, client, name, hash, note, expires, actor, clock.instant());
    } catch (IllegalArgumentException e) {
      return done(new RegistryResult.Invalid<>(e.getMessage()));
    }
    credentialsAdded++;
    credentials.put(id, credential);
    record(actor, "credential-added", id, name);
    return done(RegistryResult.ok(credential));
  }

  @Override
  public synchronized CompletionStage<RegistryResult<Credential>> removeCredential(
      ClientId client, String id, String actor) {
    Credential c = credentials.get(id);
    if (c == null || !c.client().equals(client)) {
      return done(new RegistryResult.NotFound<>("client " + client + " has no credential "
          + id));
    }
    credentials.remove(id);
    record(actor, "credential-removed", id, c.username());
    return done(RegistryResult.ok(c));
  }

  @Override
  public synchronized CompletionStage<RegistryResult<List<Credential>>> credentials(
      ClientId client) {
    if (!clients.containsKey(client)) {
      return done(new RegistryResult.NotFound<>("no client " + client));
    }
    return done(RegistryResult.ok(credentials.values().stream()
        .filter(c -> c.client().equals(client)).toList()));
  }

  private boolean taken(String username) {
    return credentials.values().stream().anyMatch(c -> c.usernameKey()
        .equals(Credential.key(username)));
  }

  private CompletionStage<RegistryResult<ClientRecord>> store(ClientRecord client, String actor,
      String action) {
    Optional<String> taken = addressOfAnother(client);
    if (taken.isPresent()) {
      return done(new RegistryResult.Conflict<>(taken.get()));
    }
    clients.put(client.id(), client);
    record(actor, action, client.id().value(), client.name());
    return done(RegistryResult.ok(client));
  }

  private Optional<String> addressOfAnother(ClientRecord client) {
    for (ClientRecord other : clients.values()) {
      if (other.id().equals(client.id())) {
        continue;
      }
      for (ClientAddress a : client.addresses()) {
        if (other.address(a.ip()).isPresent()) {
          return Optional.of("address " + a.ip() + " is registered to client " + other.id());
        }
      }
    }
    return Optional.empty();
  }

  private void record(String actor, String action, String subject, String detail) {
    changes++;
    snapshot = new RegistrySnapshot(clients.values(), blocks.values(), tokens.values(),
        credentials.values());
    audit.add(new AuditEntry(clock.instant(), actor, action, subject, detail));
  }

  private static <T> CompletionStage<RegistryResult<T>> done(RegistryResult<T> result) {
    return CompletableFuture.completedFuture(result);
  }
}

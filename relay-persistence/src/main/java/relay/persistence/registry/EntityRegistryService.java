package relay.persistence.registry;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import relay.persistence.registry.RegistryEntity.BlockDone;
import relay.persistence.registry.RegistryEntity.ClientDone;
import relay.persistence.registry.RegistryEntity.CredentialDone;
import relay.persistence.registry.RegistryEntity.Refused;
import relay.persistence.registry.RegistryEntity.Reply;
import relay.persistence.registry.RegistryEntity.TokenDone;

/**
 * {@link RegistryService} over the {@link RegistryEntity} (changes, audit) and this node's {@link
 * ReplicatedRegistryView} (reads). A change is asked of the entity with relay.registry.ask-timeout
 * (a timeout fails the stage: the change may or may not have been made); once it is persisted the
 * answer waits, at most relay.registry.view-wait, until this node's view shows it, so a read on
 * this node right after a change sees it.
 */
public final class EntityRegistryService implements RegistryService {

  private final ActorSystem<?> system;
  private final ActorRef<RegistryEntity.Command> registry;
  private final ReplicatedRegistryView view;
  private final RegistrySettings settings;
  private final Clock clock;

  public EntityRegistryService(ActorSystem<?> system, ActorRef<RegistryEntity.Command> registry,
      ReplicatedRegistryView view, RegistrySettings settings, Clock clock) {
    this.system = system;
    this.registry = registry;
    this.view = view;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public CompletionStage<RegistryResult<ClientRecord>> createClient(ClientRecord client,
      String actor) {
    return change(replyTo -> new RegistryEntity.CreateClient(client, actor, replyTo),
        ClientDone.class, ClientDone::client, c -> s -> s.client(c.id()).equals(Optional.of(c)));
  }

  @Override
  public CompletionStage<RegistryResult<ClientRecord>> replaceClient(ClientRecord client,
      String actor) {
    return change(replyTo -> new RegistryEntity.ReplaceClient(client, actor, replyTo),
        ClientDone.class, ClientDone::client, c -> s -> s.client(c.id()).equals(Optional.of(c)));
  }

  @Override
  public CompletionStage<RegistryResult<ClientRecord>> deleteClient(ClientId id, String actor) {
    return change(replyTo -> new RegistryEntity.DeleteClient(id, actor, replyTo),
        ClientDone.class, ClientDone::client, c -> s -> s.client(c.id()).isEmpty()
            && s.tokens().stream().noneMatch(t -> t.client().equals(Optional.of(c.id())))
            && s.credentialsOf(c.id()).isEmpty());
  }

  @Override
  public CompletionStage<RegistryResult<Block>> addBlock(BlockKind kind, String value,
      String reason, Optional<Instant> until, String actor) {
    return change(replyTo -> new RegistryEntity.AddBlock(kind, value, reason,
            until == null ? Optional.empty() : until, actor, replyTo),
        BlockDone.class, BlockDone::block, b -> s -> s.block(b.id()).isPresent());
  }

  @Override
  public CompletionStage<RegistryResult<Block>> removeBlock(String id, String actor) {
    return change(replyTo -> new RegistryEntity.RemoveBlock(id, actor, replyTo),
        BlockDone.class, BlockDone::block, b -> s -> s.block(b.id()).isEmpty());
  }

  @Override
  public CompletionStage<RegistryResult<AuditEntry>> recordAction(String action, String subject,
      String detail, String actor) {
    return ask(replyTo -> new RegistryEntity.RecordAction(action, subject, detail, actor, replyTo))
        .thenApply(reply -> result(reply, RegistryEntity.Recorded.class,
            RegistryEntity.Recorded::entry));
  }

  @Override
  public CompletionStage<RegistryResult<List<AuditEntry>>> audit(int limit) {
    if (limit < 1) {
      return CompletableFuture.completedFuture(
          new RegistryResult.Invalid<>("limit: " + limit + " is not a positive number"));
    }
    return ask(replyTo -> new RegistryEntity.GetAudit(limit, replyTo))
        .thenApply(reply -> result(reply, RegistryEntity.AuditPage.class,
            RegistryEntity.AuditPage::entries));
  }

  @Override
  public CompletionStage<RegistryResult<List<ClientRecord>>> clients() {
    return CompletableFuture.completedFuture(RegistryResult.ok(view.current().clients()));
  }

  @Override
  public CompletionStage<RegistryResult<ClientRecord>> client(ClientId id) {
    Optional<ClientRecord> client = view.current().client(id);
    return CompletableFuture.completedFuture(client.isPresent()
        ? RegistryResult.ok(client.get()) : new RegistryResult.NotFound<>("no client " + id));
  }

  @Override
  public CompletionStage<RegistryResult<List<Block>>> blocks() {
    Instant now = clock.instant();
    return CompletableFuture.completedFuture(RegistryResult.ok(view.current().blocks().stream()
        .filter(b -> b.activeAt(now)).toList()));
  }

  @Override
  public CompletionStage<RegistryResult<ApiToken>> createToken(String name, TokenRole role,
      Optional<ClientId> client, String hash, String actor) {
    return change(replyTo -> new RegistryEntity.CreateToken(name, role,
            client == null ? Optional.empty() : client, hash, actor, replyTo),
        TokenDone.class, TokenDone::token, t -> s -> s.token(t.id()).isPresent());
  }

  @Override
  public CompletionStage<RegistryResult<ApiToken>> revokeToken(String id, String actor) {
    return change(replyTo -> new RegistryEntity.RevokeToken(id, actor, replyTo),
        TokenDone.class, TokenDone::token, t -> s -> s.token(t.id()).isEmpty());
  }

  @Override
  public CompletionStage<RegistryResult<List<ApiToken>>> tokens() {
    return CompletableFuture.completedFuture(RegistryResult.ok(view.current().tokens()));
  }

  @Override
  public CompletionStage<RegistryResult<Credential>> addCredential(ClientId client,
      Optional<String> username, Optional<String> note, Optional<Instant> expires, String hash,
      String actor) {
    return change(replyTo -> new RegistryEntity.AddCredential(client, orEmpty(username),
            orEmpty(note), orEmpty(expires), hash, actor, replyTo),
        CredentialDone.class, CredentialDone::credential,
        k -> s -> s.credentialByUsername(k.username()).isPresent());
  }

  @Override
  public CompletionStage<RegistryResult<Credential>> removeCredential(ClientId client, String id,
      String actor) {
    return change(replyTo -> new RegistryEntity.RemoveCredential(client, id, actor, replyTo),
        CredentialDone.class, CredentialDone::credential,
        k -> s -> s.credentialByUsername(k.username()).filter(c -> c.id().equals(k.id()))
            .isEmpty());
  }

  @Override
  public CompletionStage<RegistryResult<List<Credential>>> credentials(ClientId client) {
    RegistrySnapshot now = view.current();
    return CompletableFuture.completedFuture(now.client(client).isEmpty()
        ? new RegistryResult.NotFound<>("no client " + client)
        : RegistryResult.ok(now.credentialsOf(client)));
  }

  private static <T> Optional<T> orEmpty(Optional<T> value) {
    return value == null ? Optional.empty() : value;
  }

  /** Asks for a change; on success waits until this node's view shows it (bounded). */
  private <R extends Reply, T> CompletionStage<RegistryResult<T>> change(
      Function<ActorRef<Reply>, RegistryEntity.Command> command, Class<R> done,
      Function<R, T> value, Function<T, Predicate<RegistrySnapshot>> visible) {
    return ask(command).thenCompose(reply -> {
      RegistryResult<T> result = result(reply, done, value);
      if (result instanceof RegistryResult.Ok<T> ok) {
        return view.when(visible.apply(ok.value()), settings.viewWait()).thenApply(s -> result);
      }
      return CompletableFuture.completedFuture(result);
    });
  }

  private CompletionStage<Reply> ask(Function<ActorRef<Reply>, RegistryEntity.Command> command) {
    return AskPattern.ask(registry, command::apply, settings.askTimeout(), system.scheduler());
  }

  private static <R extends Reply, T> RegistryResult<T> result(Reply reply, Class<R> done,
      Function<R, T> value) {
    if (done.isInstance(reply)) {
      return RegistryResult.ok(value.apply(done.cast(reply)));
    }
    if (reply instanceof Refused refused) {
      switch (refused.kind()) {
        case NOT_FOUND:
          return new RegistryResult.NotFound<>(refused.detail());
        case CONFLICT:
          return new RegistryResult.Conflict<>(refused.detail());
        default:
          return new RegistryResult.Invalid<>(refused.detail());
      }
    }
    throw new IllegalStateException("unexpected registry reply " + reply);
  }
}

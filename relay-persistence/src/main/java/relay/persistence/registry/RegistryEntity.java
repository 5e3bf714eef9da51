package relay.persistence.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import relay.persistence.CborSerializable;

/**
 * The client registry and block lists of the whole cluster: one event-sourced entity
 * (persistence id {@code "Registry"}), the source of truth. Its events are the audit log; after
 * each one, and after recovery, it hands the whole state to this node's {@link
 * RegistryPublisher}, which writes what changed to every node's view.
 *
 * <p><b>Why a Cluster Singleton</b> and not one sharded entity: there is exactly one registry, so
 * sharding's allocation buys nothing, and a sharded entity starts only when a message reaches it,
 * while the singleton manager starts it on the oldest node as soon as the cluster forms, which
 * is what refills every node's (non-durable) view after a full cluster restart. Changes are rare
 * (operators), so one writer is no bottleneck; reads never come here (they use the view).
 *
 * <p><b>Refusals</b> are replies with no event: an id taken or an address registered to another
 * client ({@link RefusalKind#CONFLICT}), an unknown id ({@link RefusalKind#NOT_FOUND}), a value
 * the model refuses ({@link RefusalKind#INVALID}). Time and block ids are decided in the command
 * handler and carried by the events, so replay is deterministic.
 *
 * <p><b>Expiry:</b> a timer fires at the earliest {@code until} of the blocks and persists {@link
 * BlockExpired} for every block past it; the views do not wait for it ({@link Block#activeAt}).
 */
public final class RegistryEntity
    extends EventSourcedBehaviorWithEnforcedReplies<RegistryEntity.Command, RegistryEntity.Event,
        RegistryEntity.State> {

  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("Registry");

  /** The actor recorded for changes the registry makes itself (expiry) and for imports. */
  public static final String REGISTRY_ACTOR = "registry";
  public static final String CONFIG_ACTOR = "config";

  private static final String EXPIRY_TIMER = "expiry";
  /** Longest single timer; a block ending later is looked at again after this. */
  private static final Duration MAX_TIMER = Duration.ofHours(1);

  // ---------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable
      permits CreateClient, ReplaceClient, DeleteClient, AddBlock, RemoveBlock,
          ImportConfigClients, GetAudit, ExpireBlocks, RecordAction, CreateToken, RevokeToken,
          AddCredential, RemoveCredential {}

  public record CreateClient(ClientRecord client, String actor, ActorRef<Reply> replyTo)
      implements Command {}

  public record ReplaceClient(ClientRecord client, String actor, ActorRef<Reply> replyTo)
      implements Command {}

  public record DeleteClient(ClientId id, String actor, ActorRef<Reply> replyTo)
      implements Command {}

  public record AddBlock(BlockKind kind, String value, String reason, Optional<Instant> until,
      String actor, ActorRef<Reply> replyTo) implements Command {}

  public record RemoveBlock(String id, String actor, ActorRef<Reply> replyTo) implements Command {}

  /**
   * The clients of a node's configuration file (origin CONFIG). Each is added, or replaces a
   * CONFIG client of that id that differs; one created through the API, or one with an address
   * registered to another client, is skipped (and said so in the reply).
   */
  public record ImportConfigClients(List<ClientRecord> clients, ActorRef<Reply> replyTo)
      implements Command {
    public ImportConfigClients {
      clients = List.copyOf(clients);
    }
  }

  public record GetAudit(int limit, ActorRef<Reply> replyTo) implements Command {}

  /**
   * A new API token: only its SHA-256 ({@code hash}, hex) comes here. Conflict when a token in
   * force has that name or the registry holds relay.registry.max-tokens; Invalid when a client
   * token's client does not exist or a value is refused.
   */
  public record CreateToken(String name, TokenRole role, Optional<ClientId> client, String hash,
      String actor, ActorRef<Reply> replyTo) implements Command {}

  /** Revokes a token; NotFound when none has {@code id}. */
  public record RevokeToken(String id, String actor, ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * A new SMTP AUTH credential of {@code client}: only the password's Argon2id PHC string comes
   * here. {@code username} empty: one is made from the client id ({@link RegistryCredentials}).
   * NotFound for an unknown client; Conflict when the username is taken (ignoring case) or the
   * registry holds relay.registry.max-credentials; Invalid for a bad value.
   */
  public record AddCredential(ClientId client, Optional<String> username, Optional<String> note,
      Optional<Instant> expires, String hash, String actor, ActorRef<Reply> replyTo)
      implements Command {}

  /** Removes credential {@code id} of {@code client}; NotFound when the client has none such. */
  public record RemoveCredential(ClientId client, String id, String actor,
      ActorRef<Reply> replyTo) implements Command {}

  /** Timer: persist the expiry of every block past its {@code until}. */
  public record ExpireBlocks() implements Command {}

  /**
   * Records in the audit log an operator action on something the registry does not hold (a
   * queue suspended, retried, bounced...): {@code action} is a short kebab-case verb, {@code
   * subject} what it was done to. Replies {@link Recorded} once persisted.
   */
  public record RecordAction(String action, String subject, String detail, String actor,
      ActorRef<Reply> replyTo) implements Command {}

  // ---------------------------------------------------------------- replies

  public sealed interface Reply extends CborSerializable
      permits ClientDone, BlockDone, TokenDone, CredentialDone, Refused, AuditPage, Imported,
          Recorded {}

  /** The client as created, replaced or deleted. */
  public record ClientDone(ClientRecord client) implements Reply {}

  /** The block as added or removed. */
  public record BlockDone(Block block) implements Reply {}

  /** The token as created or revoked. */
  public record TokenDone(ApiToken token) implements Reply {}

  /** The credential as added or removed (its hash, never a password). */
  public record CredentialDone(Credential credential) implements Reply {}

  public enum RefusalKind { NOT_FOUND, CONFLICT, INVALID }

  /** Nothing changed; {@code detail} says why. */
  public record Refused(RefusalKind kind, String detail) implements Reply {}

  /** The audit entry of a {@link RecordAction}, as persisted. */
  public record Recorded(AuditEntry entry) implements Reply {}

  /** Newest first. */
  public record AuditPage(List<AuditEntry> entries) implements Reply {}

  /** Ids imported (added or updated), unchanged, and skipped with the reason ("id: reason"). */
  public record Imported(List<String> imported, List<String> unchanged, List<String> skipped)
      implements Reply {}

  // ---------------------------------------------------------------- events

  /** Every change, with who made it and when: the audit log. */
  public sealed interface Event extends CborSerializable
      permits ClientCreated, ClientReplaced, ClientDeleted, ClientImported, BlockAdded,
          BlockRemoved, BlockExpired, ActionRecorded, TokenCreated, TokenRevoked,
          CredentialAdded, CredentialRemoved {}

  public record ClientCreated(ClientRecord client, String actor, Instant at) implements Event {}

  public record ClientReplaced(ClientRecord client, String actor, Instant at) implements Event {}

  public record ClientDeleted(ClientId id, String actor, Instant at) implements Event {}

  public record ClientImported(ClientRecord client, Instant at) implements Event {}

  /** The block carries its actor ({@code createdBy}) and time ({@code createdAt}). */
  public record BlockAdded(Block block) implements Event {}

  public record BlockRemoved(String id, String actor, Instant at) implements Event {}

  public record BlockExpired(String id, Instant at) implements Event {}

  /** An operator action outside the registry, kept only in the audit log. */
  public record ActionRecorded(AuditEntry entry) implements Event {}
  /** The token carries its actor ({@code createdBy}) and time ({@code createdAt}). */
  public record TokenCreated(ApiToken token) implements Event {}

  /** Revoked through the API, or because its client was deleted (then with the same actor). */
  public record TokenRevoked(String id, String actor, Instant at) implements Event {}

  /** The credential carries its actor ({@code createdBy}) and time ({@code createdAt}). */
  public record CredentialAdded(Credential credential) implements Event {}

  /** Removed through the API, or because its client was deleted (then with the same actor). */
  public record CredentialRemoved(String id, String actor, Instant at) implements Event {}

  // ---------------------------------------------------------------- state

  /**
   * Clients by id, blocks by id, the newest audit entries (newest first), the number of blocks
   * ever added (block ids are "b" + that number), API tokens by id and the number of tokens ever
   * created (ids "t" + that number), SMTP AUTH credentials by id and the number ever added (ids
   * "c" + that number). Immutable; each event makes a new one. A snapshot from before tokens or
   * credentials existed reads as none.
   */
  public record State(Map<String, ClientRecord> clients, Map<String, Block> blocks,
      List<AuditEntry> audit, long blocksAdded, Map<String, ApiToken> tokens, long tokensAdded,
      Map<String, Credential> credentials, long credentialsAdded) implements CborSerializable {

    public static final State EMPTY = new State(Map.of(), Map.of(), List.of(), 0, Map.of(), 0,
        Map.of(), 0);

    public State {
      clients = Collections.unmodifiableMap(new TreeMap<>(clients));
      blocks = Collections.unmodifiableMap(new TreeMap<>(blocks));
      audit = List.copyOf(audit);
      tokens = Collections.unmodifiableMap(new TreeMap<>(tokens == null ? Map.of() : tokens));
      credentials = Collections.unmodifiableMap(new TreeMap<>(
          credentials == null ? Map.of() : credentials));
    }

    /** The credentials of {@code client}, by id. */
    List<Credential> credentialsOf(ClientId client) {
      return credentials.values().stream().filter(c -> c.client().equals(client)).toList();
    }

    /** The tokens bound to {@code client}. */
    List<ApiToken> tokensOf(ClientId client) {
      return tokens.values().stream().filter(t -> t.client().equals(Optional.of(client)))
          .toList();
    }

    public Optional<ClientRecord> client(ClientId id) {
      return Optional.ofNullable(clients.get(id.value()));
    }

    /** The client other than {@code except} that has registered {@code ip}, if any. */
    Optional<ClientRecord> ownerOf(String ip, ClientId except) {
      return clients.values().stream().filter(c -> !c.id().equals(except))
          .filter(c -> c.address(ip).isPresent()).findFirst();
    }

    /** A conflict of {@code client}'s addresses with another client's, as a message. */
    Optional<String> addressConflict(ClientRecord client) {
      for (ClientAddress a : client.addresses()) {
        Optional<ClientRecord> owner = ownerOf(a.ip(), client.id());
        if (owner.isPresent()) {
          return Optional.of("address " + a.ip() + " is registered to client "
              + owner.get().id());
        }
      }
      return Optional.empty();
    }

    State apply(Event event, int auditEntries) {
      return RegistryEvents.apply(this, event, auditEntries);
    }
  }

  // ---------------------------------------------------------------- behavior

  /**
   * The entity; {@code publisher} gets the whole state after every change and after recovery
   * ({@link RegistryPublisher} on a node, a probe in tests).
   */
  public static Behavior<Command> create(RegistrySettings settings, Clock clock,
      ActorRef<RegistryPublisher.Command> publisher) {
    return create(settings, clock, publisher, BlockListener.NONE);
  }

  /** As above; {@code blocks} is told of every block added, removed or expired. */
  public static Behavior<Command> create(RegistrySettings settings, Clock clock,
      ActorRef<RegistryPublisher.Command> publisher, BlockListener blocks) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new RegistryEntity(settings, clock, publisher, blocks, context, timers)));
  }

  private final RegistrySettings settings;
  private final Clock clock;
  private final ActorRef<RegistryPublisher.Command> publisher;
  private final BlockListener blockListener;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;

  private RegistryEntity(RegistrySettings settings, Clock clock,
      ActorRef<RegistryPublisher.Command> publisher, BlockListener blockListener,
      ActorContext<Command> context, TimerScheduler<Command> timers) {
    super(PERSISTENCE_ID, SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1),
        Duration.ofSeconds(30), 0.2));
    this.settings = settings;
    this.clock = clock;
    this.publisher = publisher;
    this.blockListener = blockListener;
    this.context = context;
    this.timers = timers;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (state, event) -> state.apply(event, settings.auditEntries());
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
      context.getLog().info("registry recovered: {} clients, {} blocks", state.clients().size(),
          state.blocks().size());
      changed(state);
    }).build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(CreateClient.class, (state, cmd) -> decided(RegistryClients.create(state,
            cmd.client(), settings, actor(cmd.actor()), clock.instant()), cmd.replyTo()))
        .onCommand(ReplaceClient.class, (state, cmd) -> decided(RegistryClients.replace(state,
            cmd.client(), actor(cmd.actor()), clock.instant()), cmd.replyTo()))
        .onCommand(DeleteClient.class, this::onDelete)
        .onCommand(AddBlock.class, this::onAddBlock)
        .onCommand(RemoveBlock.class, this::onRemoveBlock)
        .onCommand(ImportConfigClients.class, this::onImport)
        .onCommand(GetAudit.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new AuditPage(
            state.audit().subList(0, Math.max(0, Math.min(cmd.limit(), state.audit().size()))))))
        .onCommand(ExpireBlocks.class, this::onExpire)
        .onCommand(RecordAction.class, (state, cmd) -> {
          AuditEntry entry = new AuditEntry(clock.instant(), actor(cmd.actor()),
              text(cmd.action()), text(cmd.subject()), text(cmd.detail()));
          return Effect().persist(new ActionRecorded(entry))
              .thenReply(cmd.replyTo(), s -> new Recorded(entry));
        })
        .onCommand(CreateToken.class, (state, cmd) -> decided(RegistryTokens.create(state, cmd,
            settings, actor(cmd.actor()), clock.instant()), cmd.replyTo()))
        .onCommand(RevokeToken.class, (state, cmd) -> decided(RegistryTokens.revoke(state, cmd,
            actor(cmd.actor()), clock.instant()), cmd.replyTo()))
        .onCommand(AddCredential.class, (state, cmd) -> decided(RegistryCredentials.add(state,
            cmd, settings, actor(cmd.actor()), clock.instant()), cmd.replyTo()))
        .onCommand(RemoveCredential.class, (state, cmd) -> decided(RegistryCredentials.remove(
            state, cmd, actor(cmd.actor()), clock.instant()), cmd.replyTo()))
        .build();
  }

  /** Why a client of the configuration file is not changed here. */
  public static String configClientRefusal(ClientId id) {
    return "client " + id + " comes from relay.clients in the configuration file: change it"
        + " there (each node imports its file at start); to stop it now, block it (kind client)";
  }

  /**
   * Deletes any client. A client of the configuration file comes back at the next start of a
   * node whose relay.clients still lists it: remove it from the files first.
   */
  private ReplyEffect<Event, State> onDelete(State state, DeleteClient cmd) {
    Optional<ClientRecord> existing = state.client(cmd.id());
    if (existing.isEmpty()) {
      return refuse(cmd.replyTo(), RefusalKind.NOT_FOUND, "no client " + cmd.id());
    }
    String actor = actor(cmd.actor());
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>();
    events.add(new ClientDeleted(cmd.id(), actor, now));
    state.tokensOf(cmd.id()).forEach(t -> events.add(new TokenRevoked(t.id(), actor, now)));
    state.credentialsOf(cmd.id())
        .forEach(c -> events.add(new CredentialRemoved(c.id(), actor, now)));
    ClientDone reply = new ClientDone(existing.get());
    return Effect().persist(events).thenRun(this::changed).thenReply(cmd.replyTo(), s -> reply);
  }

  private ReplyEffect<Event, State> onAddBlock(State state, AddBlock cmd) {
    if (state.blocks().size() >= settings.maxBlocks()) {
      return refuse(cmd.replyTo(), RefusalKind.CONFLICT, "the registry holds its maximum of "
          + settings.maxBlocks() + " blocks (relay.registry.max-blocks)");
    }
    Block block;
    try {
      block = new Block("b" + (state.blocksAdded() + 1), cmd.kind(), cmd.value(), cmd.reason(),
          cmd.until(), actor(cmd.actor()), clock.instant());
    } catch (IllegalArgumentException e) {
      return refuse(cmd.replyTo(), RefusalKind.INVALID, e.getMessage());
    }
    return persist(new BlockAdded(block), BlockSubjects.change(BlockChange.Change.ADDED, block,
        state.clients().values(), block.createdBy(), block.createdAt()), cmd.replyTo());
  }

  private ReplyEffect<Event, State> onRemoveBlock(State state, RemoveBlock cmd) {
    Block block = state.blocks().get(cmd.id());
    if (block == null) {
      return refuse(cmd.replyTo(), RefusalKind.NOT_FOUND, "no block " + cmd.id());
    }
    BlockRemoved removed = new BlockRemoved(cmd.id(), actor(cmd.actor()), clock.instant());
    return persist(removed, BlockSubjects.change(BlockChange.Change.REMOVED, block,
        state.clients().values(), removed.actor(), removed.at()), cmd.replyTo());
  }

  private ReplyEffect<Event, State> onImport(State state, ImportConfigClients cmd) {
    ConfigImport.Plan plan = ConfigImport.plan(state, cmd.clients(), settings, clock.instant());
    if (plan.events().isEmpty()) {
      return Effect().reply(cmd.replyTo(), plan.reply());
    }
    return Effect().persist(plan.events()).thenRun(this::changed)
        .thenReply(cmd.replyTo(), s -> plan.reply());
  }

  private ReplyEffect<Event, State> onExpire(State state, ExpireBlocks cmd) {
    Instant now = clock.instant();
    List<Event> expired = state.blocks().values().stream().filter(b -> !b.activeAt(now))
        .map(b -> (Event) new BlockExpired(b.id(), now)).toList();
    if (expired.isEmpty()) {
      scheduleExpiry(state);
      return Effect().noReply();
    }
    context.getLog().info("registry: {} blocks expired", expired.size());
    List<BlockChange> changes = state.blocks().values().stream().filter(b -> !b.activeAt(now))
        .map(b -> BlockSubjects.change(BlockChange.Change.EXPIRED, b, state.clients().values(),
            REGISTRY_ACTOR, now)).toList();
    return Effect().persist(expired).thenRun(this::changed)
        .thenRun(s -> changes.forEach(blockListener::changed)).thenNoReply();
  }

  private ReplyEffect<Event, State> persist(Event event, ActorRef<Reply> replyTo, Reply reply) {
    return Effect().persist(event).thenRun(this::changed).thenReply(replyTo, s -> reply);
  }

  /** A block added or removed: persisted, published, then the block listener is told. */
  private ReplyEffect<Event, State> persist(Event event, BlockChange change,
      ActorRef<Reply> replyTo) {
    return Effect().persist(event).thenRun(this::changed)
        .thenRun(s -> blockListener.changed(change))
        .thenReply(replyTo, s -> new BlockDone(change.block()));
  }

  /** A decision of a helper: its event persisted and its reply, or only its refusal. */
  private ReplyEffect<Event, State> decided(Decision d,
      ActorRef<Reply> replyTo) {
    return d.event().map(e -> persist(e, replyTo, d.reply()))
        .orElseGet(() -> Effect().reply(replyTo, d.reply()));
  }

  private ReplyEffect<Event, State> refuse(ActorRef<Reply> replyTo, RefusalKind kind,
      String detail) {
    return Effect().reply(replyTo, new Refused(kind, detail));
  }

  /** After recovery and every persisted change: publish, and set the expiry timer anew. */
  private void changed(State state) {
    publisher.tell(new RegistryPublisher.Publish(state.clients(), state.blocks(),
        state.tokens(), state.credentials(), lastSequenceNumber(context)));
    scheduleExpiry(state);
  }

  private void scheduleExpiry(State state) {
    Optional<Instant> next = state.blocks().values().stream().flatMap(b -> b.until().stream())
        .min(Instant::compareTo);
    if (next.isEmpty()) {
      timers.cancel(EXPIRY_TIMER);
      return;
    }
    Duration wait = Duration.between(clock.instant(), next.get());
    wait = wait.isNegative() ? Duration.ZERO : wait.compareTo(MAX_TIMER) > 0 ? MAX_TIMER : wait;
    timers.startSingleTimer(EXPIRY_TIMER, new ExpireBlocks(), wait);
  }

  /** A recorded action's text ({@link Names#auditText}). */
  private static String text(String value) {
    return Names.auditText(value);
  }

  /** Who asked, as the audit log keeps it ({@link Names#auditActor}). */
  private static String actor(String actor) {
    return Names.auditActor(actor);
  }
}

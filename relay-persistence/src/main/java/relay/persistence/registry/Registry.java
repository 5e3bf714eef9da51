package relay.persistence.registry;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import relay.persistence.registry.RegistryEntity.Imported;

/**
 * The registry as a node runs it, started by {@link #start}: this node's publisher and view, the
 * registry entity as a Cluster Singleton (started on the oldest node as soon as the cluster
 * forms), the service the HTTP API calls, and the import of the configuration file's clients.
 *
 * @param view what the SMTP checks read
 * @param service what the HTTP API calls
 * @param entity the singleton's proxy
 * @param imported completes once the entity took this node's configured clients (retried every
 *     relay.registry.import.retry until it does; never fails) and this node's view shows them
 *     and is {@link ReplicatedRegistryView#complete() complete} (or relay.registry.view-wait
 *     passed)
 */
public record Registry(ReplicatedRegistryView view, RegistryService service,
    ActorRef<RegistryEntity.Command> entity, CompletionStage<Imported> imported) {

  /**
   * Starts the registry on a node, once per ActorSystem, before or after it joins the cluster,
   * with the settings under {@code relay.registry} and the system clock. {@code configClients}
   * (see {@link #configured}) are imported as origin CONFIG.
   */
  public static Registry start(ActorSystem<?> system, List<ClientRecord> configClients) {
    return start(system, RegistrySettings.fromConfig(
        system.settings().config().getConfig("relay.registry")), Clock.systemUTC(),
        configClients);
  }

  public static Registry start(ActorSystem<?> system, RegistrySettings settings, Clock clock,
      List<ClientRecord> configClients) {
    return start(system, settings, clock, configClients, BlockListener.NONE);
  }

  /** As above; {@code blocks} is told of every block change (on the singleton's node). */
  public static Registry start(ActorSystem<?> system, RegistrySettings settings, Clock clock,
      List<ClientRecord> configClients, BlockListener blocks) {
    ActorRef<RegistryPublisher.Command> publisher = system.systemActorOf(
        RegistryPublisher.create(settings.writeTimeout()), "relay-registry-publisher",
        Props.empty());
    ReplicatedRegistryView view = ReplicatedRegistryView.start(system);
    ActorRef<RegistryEntity.Command> entity = ClusterSingleton.get(system).init(
        SingletonActor.of(RegistryEntity.create(settings, clock, publisher, blocks),
            "relay-registry"));
    CompletableFuture<Imported> imported = new CompletableFuture<>();
    importClients(system, entity, settings, List.copyOf(configClients), imported);
    CompletionStage<Imported> visible = imported.thenCompose(i -> view.when(s -> {
      List<String> ids = new ArrayList<>(i.imported());
      ids.addAll(i.unchanged());
      return view.complete() && ids.stream().allMatch(id -> s.client(ClientId.of(id)).isPresent());
    }, settings.viewWait()).thenApply(s -> i));
    return new Registry(view, new EntityRegistryService(system, entity, view, settings, clock),
        entity, visible);
  }

  /**
   * A client of the configuration file ({@code relay.clients}: name, ips, max-sessions) as the
   * registry imports it: id = slug of the name, every address {@code production}, the given
   * contact, max-sessions as its only limit, active, origin CONFIG. Invalid values are an {@link
   * IllegalArgumentException} naming the field.
   */
  public static ClientRecord configured(String name, List<String> ips, int maxSessions,
      String contact) {
    List<ClientAddress> addresses = new ArrayList<>();
    ips.forEach(ip -> addresses.add(new ClientAddress(ip, AddressRole.PRODUCTION)));
    return new ClientRecord(ClientId.slugOf(name), name, List.of(contact), addresses, List.of(),
        ClientLimits.maxSessions(maxSessions), ClientState.ACTIVE, Optional.empty(),
        ClientOrigin.CONFIG);
  }

  private static void importClients(ActorSystem<?> system, ActorRef<RegistryEntity.Command> entity,
      RegistrySettings settings, List<ClientRecord> clients, CompletableFuture<Imported> done) {
    AskPattern.<RegistryEntity.Command, RegistryEntity.Reply>ask(entity,
            replyTo -> new RegistryEntity.ImportConfigClients(clients, replyTo),
            settings.askTimeout(), system.scheduler())
        .whenComplete((reply, failure) -> {
          if (reply instanceof Imported imported) {
            if (!imported.imported().isEmpty()) {
              system.log().info("registry: imported from relay.clients: {}", imported.imported());
            }
            if (!imported.skipped().isEmpty()) {
              system.log().warn("registry: not imported from relay.clients: {}",
                  imported.skipped());
            }
            done.complete(imported);
          } else if (!system.whenTerminated().isCompleted()) {
            system.log().info("registry: import of relay.clients not answered ({}), retrying in {}",
                failure == null ? reply : failure.toString(), settings.importRetry());
            system.scheduler().scheduleOnce(settings.importRetry(),
                () -> importClients(system, entity, settings, clients, done),
                system.executionContext());
          }
        });
  }
}

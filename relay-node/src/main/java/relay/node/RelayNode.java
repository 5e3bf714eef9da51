package relay.node;

import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import relay.http.HealthRoutes;
import relay.http.api.ApiErrors;
import relay.http.api.AnnouncementRoutes;
import relay.http.api.ApiRoutes;
import relay.http.api.CredentialRoutes;
import relay.http.api.BulkNoticeRoutes;
import relay.http.api.QueueRoutes;
import relay.http.api.ApiSettings;
import relay.http.api.MessageRoutes;
import relay.http.auth.AdminToken;
import relay.http.auth.HashedTokenStore;
import relay.http.auth.RegistryTokenStore;
import relay.http.auth.TokenStore;
import relay.http.auth.Principal;
import relay.http.metrics.MetricsRoutes;
import relay.http.metrics.MetricsScrape;
import relay.http.metrics.MetricsSettings;
import relay.http.metrics.RelayMetrics;
import relay.http.Readiness;
import relay.node.cluster.ClusterQuorum;
import relay.node.config.NodeSettings;
import relay.node.smtp.AuthSettings;
import relay.node.smtp.CredentialCheck;
import relay.persistence.auth.PasswordHasher;
import relay.persistence.auth.Passwords;
import relay.node.delivery.DsnSubmitter;
import relay.node.delivery.OwnMail;
import relay.node.notice.NoticeSubmitter;
import relay.node.notice.NoticeTemplates;
import relay.persistence.notice.NoticeService;
import relay.persistence.notice.NoticeSettings;
import relay.persistence.lockout.LoginLockout;
import relay.persistence.notice.Notices;
import relay.node.delivery.OwnEndpoints;
import relay.node.delivery.SmtpDeliveryTransport;
import relay.node.smtp.ClientRegistry;
import relay.node.smtp.ConfiguredClients;
import relay.persistence.registry.Registry;
import relay.persistence.registry.RegistryView;
import relay.node.smtp.QueueIds;
import relay.node.smtp.SmtpListeners;
import relay.node.smtp.SpoolMessageSink;
import relay.persistence.client.ClientSessions;
import relay.persistence.history.MessageHistory;
import relay.persistence.history.MessageHistoryReader;
import relay.persistence.quota.BulkNoticeService;
import relay.persistence.quota.EntityBulkNoticeService;
import relay.persistence.quota.QuotaLeases;
import relay.persistence.queue.DeliveryPorts;
import relay.persistence.queue.DeliveryQueue;
import relay.persistence.queue.QueueGateway;
import relay.persistence.queue.QueueService;
import relay.persistence.queue.QueueSettings;
import relay.persistence.queue.ShardedQueueService;

/**
 * One running relay node. {@link #start} builds it from configuration and returns when it is ready
 * for traffic; {@link #stop} runs the graceful shutdown.
 */
public final class RelayNode implements Readiness {

  private static final Logger LOG = LoggerFactory.getLogger(RelayNode.class);

  private final ActorSystem<Void> system;
  private final NodeStorage storage;
  private final SmtpListeners listeners;
  private final ClusterQuorum quorum;
  private final Registry registry;
  private final NoticeService notices;
  private final QuotaLeases quotas;
  private final BulkNoticeService bulkNotices;
  private volatile ServerBinding http; // set once, right after the node is built
  private volatile QueueService queues; // set once, right after the node is built
  private volatile Passwords passwords; // set once, right after the node is built
  private final AtomicBoolean accepting = new AtomicBoolean(true);

  private RelayNode(ActorSystem<Void> system, NodeStorage storage, SmtpListeners listeners,
      ClusterQuorum quorum, Registry registry, NoticeService notices, QuotaLeases quotas,
      BulkNoticeService bulkNotices) {
    this.registry = registry;
    this.notices = notices;
    this.quotas = quotas;
    this.bulkNotices = bulkNotices;
    this.quorum = quorum;
    this.system = system;
    this.storage = storage;
    this.listeners = listeners;
  }

  public static RelayNode start(Config userConfig) throws Exception {
    return start(userConfig, Optional.empty());
  }

  /**
   * As {@link #start(Config)}; {@code registry}, when present, is the registry view the SMTP
   * checks read instead of the node's own (tests that change the registry under a running node).
   */
  static RelayNode start(Config userConfig, Optional<RegistryView> registry) throws Exception {
    NodeSettings settings = NodeSettings.fromConfig(userConfig);
    Files.createDirectories(settings.dataDir());
    Config config = settings.storage().persistenceConfig().withFallback(userConfig).resolve();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "relay", config);
    try {
      return assemble(system, settings, config, registry);
    } catch (Exception e) {
      // Logged here: with exit-jvm on, terminating the system may end the process before the
      // caller sees the exception.
      LOG.error("relay: cannot start: {}", e.toString(), e);
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static RelayNode assemble(ActorSystem<Void> system, NodeSettings settings, Config config,
      Optional<RegistryView> registryView) throws Exception {
    Cluster cluster = Cluster.get(system);
    if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    Executor io = system.dispatchers().lookup(DispatcherSelector.fromConfig("relay.io-dispatcher"));
    NodeStorage storage;
    try (SchemaLock lock = SchemaLock.acquire(settings.storage())) {
      if (lock.journalTablesMissing()) {
        SchemaUtils.createIfNotExists(system).toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
      storage = NodeStorage.open(settings.storage(), io);
    }
    try {
      QueueIds ids = new QueueIds();
      MessageHistory history = storage.startHistory(settings.history(), Clock.systemUTC());

      QueueSettings queueSettings = settings.queue();
      QueueGateway gateway = new QueueGateway(system, queueSettings);
      DsnSubmitter dsn = new DsnSubmitter(settings.hostname(), storage.spool(), gateway, ids, io, Clock.systemUTC(),
          history);
      OwnEndpoints own = OwnEndpoints.ofThisHost(settings.listeners().stream()
          .map(l -> new InetSocketAddress(l.host(), l.port())).toList());
      RelayMetrics metrics = new RelayMetrics();
      NoticeSettings noticeSettings = NoticeSettings.fromConfig(config.getConfig("relay.notices"));
      Notices notices = Notices.start(system, noticeSettings, Clock.systemUTC(),
          new NoticeSubmitter(settings.hostname(), noticeSettings.from(),
              NoticeTemplates.load(noticeSettings.templates()),
              new OwnMail(storage.spool(), gateway, ids, io), io, Clock.systemUTC()));
      Registry registry = Registry.start(system, settings.registry(), Clock.systemUTC(),
          ConfiguredClients.records(settings.clients(), settings.registry().importContact()),
          notices.blockListener());
      RegistryView view = registryView.orElse(registry.view());
      DeliveryQueue.init(system, queueSettings, new DeliveryPorts(SmtpDeliveryTransport.create(settings, own),
          storage.spool(), dsn, Clock.systemUTC(), history, metrics, notices.delayWatch(view)));

      OrphanSweeper.start(system, storage.spool(), settings.storage().spool(), queueSettings,
          settings.orphanSweep(), io);

      ClusterQuorum quorum = new ClusterQuorum(system);
      SpoolMessageSink sink = new SpoolMessageSink(storage.spool(), gateway, ids,
          new AcceptanceEvents(history, metrics), io, quorum);
      ClientSessions sessions = ClientSessions.start(system, settings.clientSessions());
      QuotaLeases quotas = QuotaLeases.start(system, settings.quotas(), Clock.systemUTC());
      AuthSettings auth = AuthSettings.fromConfig(config);
      Passwords passwords = new Passwords(new PasswordHasher(auth.argon2()), auth.threads(),
          auth.queue());
      awaitMemberUp(system, settings.joinTimeout());
      awaitRegistry(registry, settings.joinTimeout());
      LoginLockout lockout = LoginLockout.start(system, settings.lockout(), Clock.systemUTC(),
          registry.service(), registry.view());
      SmtpListeners listeners = SmtpListeners.bind(system, settings.smtp(), settings.listeners(),
          settings.tls(), new ClientRegistry(view, settings.defaultMaxSessions(), sessions, quotas,
              Clock.systemUTC(), new RefusalEvents().andThen(metrics::refused), lockout,
              Optional.of(new CredentialCheck(view, passwords, Clock.systemUTC(),
                  auth.recentLogins(Clock.systemUTC())))), sink);
      metrics.sessions(listeners::liveSessions);
      own.listenersBound(listeners.boundAddresses()); // an MX pointing here is a loop

      RelayNode node = new RelayNode(system, storage, listeners, quorum, registry,
          notices.service(system, registry.view(), registry.service()), quotas,
          EntityBulkNoticeService.of(system, view, settings.quotas()));
      node.passwords = passwords;
      node.queues = ShardedQueueService.start(system, queueSettings, registry.service(),
          settings.registry().askTimeout());
      node.http = Http.get(system).newServerAt(settings.httpHost(), settings.httpPort())
          .bind(httpRoutes(node, config, settings, storage.historyReader(io), metrics))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      node.registerShutdownTasks();
      LOG.info("relay {} ready: SMTP on {}, HTTP on {}, storage {}", settings.hostname(),
          listeners.boundAddresses(), node.http.localAddress(), settings.storage().kind());
      return node;
    } catch (Exception | Error e) {
      storage.close();
      throw e;
    }
  }

  /**
   * Health endpoints, the operator API (/api/v1) and the metrics (/metrics) on one binding, every
   * error a problem+json.
   * The API accepts the bootstrap admin token (relay.http.admin-token, RELAY_ADMIN_TOKEN, or
   * generated into <data-dir>/admin-token) and the tokens created over the API, which the
   * registry keeps as hashes and this node's registry view holds (RegistryTokenStore).
   */
  private static Route httpRoutes(RelayNode node, Config config, NodeSettings settings,
      MessageHistoryReader history, RelayMetrics metrics) throws java.io.IOException {
    ApiSettings api = ApiSettings.fromConfig(config);
    TokenStore tokens = TokenStore.all(new HashedTokenStore().add(
            AdminToken.resolve(api.adminToken(), settings.dataDir()), Principal.admin("admin")),
        new RegistryTokenStore(node.registry().view()));
    MetricsSettings metricsSettings = MetricsSettings.fromConfig(config);
    MetricsScrape scrape = new MetricsScrape(metrics,
        new LocalQueueStatuses(node.system, metricsSettings.queueTimeout()));
    return ApiErrors.seal(Directives.concat(new HealthRoutes(node).routes(),
        new ApiRoutes(node.registry().service(), tokens, api)
            .with(new MessageRoutes(history))
            .with(new QueueRoutes(node.queues()))
            .with(new AnnouncementRoutes(node.notices))
            .with(new BulkNoticeRoutes(node.bulkNotices(), node.registry().service()))
            .with(new CredentialRoutes(node.registry().service(), node.passwords))
            .documenting(MetricsRoutes.ENDPOINT).route(),
        new MetricsRoutes(scrape, tokens, metricsSettings).route()));
  }

  /**
   * SMTP opens only once the registry took this node's relay.clients and its view shows them:
   * before that a registered client would be unknown and refused as an open-relay attempt
   * (554 5.7.1, a permanent failure for it). Fails the start after the timeout. The view may
   * still be incomplete then (relay.registry.view-wait passed first, e.g. after a full cluster
   * restart): until it is, an address it does not hold gets 421 4.3.0 ({@code ConnectCheck}).
   */
  private static void awaitRegistry(Registry registry, Duration timeout) throws Exception {
    try {
      registry.imported().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the client registry did not take relay.clients within "
          + "relay.cluster.join-timeout (" + timeout + ")", e);
    }
  }

  /**
   * SMTP opens only once this node is an Up member: before that it has no queue owners to write
   * to, and every message would wait for a timeout. Fails the start after the timeout.
   */
  private static void awaitMemberUp(ActorSystem<Void> system, Duration timeout) throws Exception {
    CompletableFuture<Done> up = new CompletableFuture<>();
    org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system))
        .registerOnMemberUp(() -> up.complete(Done.getInstance()));
    if (!up.isDone()) {
      LOG.info("relay: waiting to join the cluster (at most {})", timeout);
    }
    try {
      up.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("relay.cluster.join-timeout: not an Up cluster member after "
          + timeout + " (are the seed nodes reachable, and min-members of them running?)", e);
    }
  }

  private void registerShutdownTasks() {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "relay-not-ready", () -> {
      accepting.set(false);
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "relay-smtp-unbind", listeners::unbind);
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "relay-smtp-sessions-421",
        listeners::closeSessions);
    shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "relay-http-unbind",
        () -> http.unbind().thenApply(u -> Done.getInstance()));
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "relay-storage-close", () -> {
      passwords.close();
      storage.close();
      if ("false".equals(System.getProperty(Main.DNSJAVA_SHUTDOWN_HOOK))) {
        org.xbill.DNS.NioClient.close(); // the process's resolver networking, after the last delivery
      }
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  @Override
  public boolean isReady() {
    return checks().values().stream().allMatch(Boolean::booleanValue);
  }

  @Override
  public Map<String, Boolean> checks() {
    Map<String, Boolean> checks = new LinkedHashMap<>();
    checks.put("accepting", accepting.get());
    checks.put("cluster-member-up", Cluster.get(system).selfMember().status() == MemberStatus.up());
    checks.put("cluster-majority-reachable", quorum.getAsBoolean());
    checks.put("smtp-listeners-bound", listeners.allBound());
    checks.put("http-bound", http != null);
    checks.put("storage-reachable", storage.isReachable());
    return checks;
  }

  /** Where the HTTP server (health, operator API) listens. */
  public InetSocketAddress httpAddress() {
    return http.localAddress();
  }

  /** The delivery queues of the whole cluster, per destination (the queues API's backend). */
  public QueueService queues() {
    return queues;
  }

  /** The operator's client registry and block lists on this node (its view and its service). */
  public Registry registry() {
    return registry;
  }

  /** The clients' recipient quotas as this node counts them. */
  public QuotaLeases quotas() {
    return quotas;
  }

  /** The clients' bulk notices (kept with their quota counts). */
  public BulkNoticeService bulkNotices() {
    return bulkNotices;
  }

  public List<java.net.InetSocketAddress> smtpAddresses() {
    return new ArrayList<>(listeners.boundAddresses());
  }

  /** Runs the graceful shutdown and waits for the actor system to end. */
  public void stop() throws Exception {
    CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason())
        .toCompletableFuture().get(2, TimeUnit.MINUTES);
    system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
  }

  public void awaitTermination() throws Exception {
    system.getWhenTerminated().toCompletableFuture().get();
  }
}

package relay.node.config;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.time.Duration;
import relay.node.delivery.OutboundSettings;
import relay.persistence.client.ClientSessionSettings;
import relay.persistence.lockout.LockoutSettings;
import relay.persistence.quota.QuotaSettings;
import relay.persistence.queue.OrphanSweepSettings;
import relay.persistence.queue.QueueSettings;
import relay.persistence.history.HistorySettings;
import relay.persistence.registry.RegistrySettings;
import relay.protocol.server.SmtpServerSettings;
import relay.protocol.settings.Bounds;
import relay.protocol.tls.TlsSettings;

/**
 * Every setting the node runs with, read once at start and checked before anything starts: its
 * own (relay.*), its SMTP server's, the queues', the client-session counters', outbound
 * delivery's, and the cluster transport's. A bad value stops the node with a message naming the
 * key.
 *
 * @param joinTimeout relay.cluster.join-timeout: how long the start waits to be an Up member
 * @param orphanSweep relay.queue.orphan-sweep: removal of spool entries no queue refers to
 * @param defaultMaxSessions relay.client-defaults.max-sessions: for a registered client without
 *     its own max-sessions
 * @param registry relay.registry: the operator's client registry and block lists
 * @param history relay.history: the message history (retention, the writer's buffer)
 * @param quotas relay.quotas: the cluster-wide recipient quotas
 * @param lockout relay.auth.lockout: failed logins that lock an address out
 * @param tls relay.tls: the certificates and TLS parameters of listeners with tls other than
 *     none (a node with such a listener and no certificate does not start)
 */
public record NodeSettings(String hostname, SmtpServerSettings smtp, Path dataDir,
    List<ListenerSettings> listeners, List<RegisteredClient> clients, StorageSettings storage,
    Map<String, Route> routes, int httpPort, String httpHost, QueueSettings queue,
    ClientSessionSettings clientSessions, OutboundSettings outbound, Duration joinTimeout,
    OrphanSweepSettings orphanSweep, int defaultMaxSessions, RegistrySettings registry,
    HistorySettings history, QuotaSettings quotas, LockoutSettings lockout, TlsSettings tls) {

  public NodeSettings {
    listeners = List.copyOf(listeners);
    for (ListenerSettings listener : listeners) {
      if (listener.security().usesTls() && !tls.enabled()) {
        throw new IllegalArgumentException("relay.listeners[" + listener.name() + "].tls = "
            + listener.security().tls().configName() + " needs a certificate and key in "
            + "relay.tls.certificates (ops/bin/relay-selfsigned-cert makes a test pair)");
      }
    }
    clients = List.copyOf(clients);
    routes = Map.copyOf(routes);
  }

  public static NodeSettings fromConfig(Config config) {
    Config relay = config.getConfig("relay");
    Path dataDir = Path.of(relay.getString("data-dir"));
    List<ListenerSettings> listeners = relay.getConfigList("listeners").stream()
        .map(ListenerSettings::fromConfig).toList();
    int defaultMaxSessions = maxSessions("relay.client-defaults.max-sessions",
        relay.getInt("client-defaults.max-sessions"));
    List<RegisteredClient> clients = new ArrayList<>();
    for (Config c : relay.getConfigList("clients")) {
      String name = c.getString("name");
      List<String> ips = c.getStringList("ips").stream().map(ip -> checkSingleAddress(name, ip)).toList();
      int maxSessions = c.hasPath("max-sessions")
          ? maxSessions("relay.clients: client \"" + name + "\" max-sessions", c.getInt("max-sessions"))
          : defaultMaxSessions;
      clients.add(new RegisteredClient(name, ips, maxSessions));
    }
    Map<String, Route> routes = new LinkedHashMap<>();
    relay.getConfig("routes").root().unwrapped().forEach((domain, target) ->
        routes.put(domain.toLowerCase(Locale.ROOT), Route.parse(domain, String.valueOf(target))));
    StorageSettings storage = StorageSettings.fromConfig(relay.getConfig("storage"), dataDir);
    ClusterStorageCheck.check(ClusterStorageCheck.Membership.fromConfig(relay.getConfig("cluster")),
        storage);
    ClusterTransport.check(relay.getConfig("cluster"));
    String hostname = relay.getString("hostname");
    return new NodeSettings(hostname, SmtpServerSettings.fromConfig(config),
        dataDir, listeners, clients, storage, routes, relay.getInt("http.port"),
        relay.getString("http.host"), QueueSettings.fromConfig(relay.getConfig("queue")),
        ClientSessionSettings.fromConfig(relay.getConfig("client-sessions")),
        OutboundSettings.fromConfig(config, hostname),
        Bounds.within("relay.cluster.join-timeout", relay.getDuration("cluster.join-timeout"),
            Duration.ofSeconds(1), Duration.ofDays(1)),
        OrphanSweepSettings.fromConfig(relay.getConfig("queue")), defaultMaxSessions,
        RegistrySettings.fromConfig(relay.getConfig("registry")),
        HistorySettings.fromConfig(relay.getConfig("history")),
        QuotaSettings.fromConfig(relay.getConfig("quotas")),
        LockoutSettings.fromConfig(relay.getConfig("auth.lockout")),
        TlsSettings.fromConfig(config));
  }

  /** Concurrent sessions of one client across the cluster: at least 1, at most 1000000. */
  static int maxSessions(String key, int value) {
    return Bounds.within(key, value, 1, 1_000_000);
  }

  /**
   * A registered address must be one host: a range would relay for every machine in it, which the
   * operators we serve never want. The literal is parsed, never looked up in DNS.
   */
  static String checkSingleAddress(String client, String ip) {
    String s = ip.trim();
    if (s.contains("/")) {
      throw new IllegalArgumentException("relay.clients: client \"" + client + "\" lists the range \"" + ip
          + "\"; only single IP addresses may be registered");
    }
    boolean literal = s.matches("[0-9.]+") || s.contains(":");
    if (!literal || s.isEmpty()) {
      throw new IllegalArgumentException("relay.clients: client \"" + client + "\" lists \"" + ip
          + "\", which is not an IP address");
    }
    try {
      return InetAddress.getByName(s).getHostAddress();
    } catch (Exception e) {
      throw new IllegalArgumentException("relay.clients: client \"" + client + "\" lists \"" + ip
          + "\", which is not an IP address");
    }
  }
}

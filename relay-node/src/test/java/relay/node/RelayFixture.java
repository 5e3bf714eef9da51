package relay.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import relay.persistence.registry.RegistryView;
import relay.testing.SmtpSink;
import relay.testing.TestDnsServer;

/**
 * A whole relay for end-to-end tests: a real DNS server on a loopback UDP port answering MX
 * queries, a real SMTP sink on 127.0.0.2 that the MX records point at, and a relay node in this
 * JVM on H2 (a temporary data directory) or on a throw-away PostgreSQL database. The node can be
 * restarted on the same storage. Closing stops everything it started.
 */
final class RelayFixture implements AutoCloseable {

  enum Storage { H2, POSTGRES }

  final TestDnsServer dns;
  final SmtpSink sink;
  final Path dataDir;
  private final Storage storage;
  private final PostgresDatabase database;
  private final List<String> extraConfig = new ArrayList<>();
  private Optional<RegistryView> registry = Optional.empty();
  private RelayNode node;

  private RelayFixture(Storage storage, TestDnsServer dns, SmtpSink sink, Path dataDir, PostgresDatabase database) {
    this.storage = storage;
    this.dns = dns;
    this.sink = sink;
    this.dataDir = dataDir;
    this.database = database;
  }

  /** DNS and sink up, node not started yet (call {@link #start}). */
  static RelayFixture create(Storage storage) throws Exception {
    TestDnsServer dns = TestDnsServer.start();
    SmtpSink sink = SmtpSink.builder().bind("127.0.0.2", 0).start();
    dns.mx("dest.test", 10, "mx.dest.test").a("mx.dest.test", "127.0.0.2");
    dns.mx("sender.test", 10, "mx.sender.test").a("mx.sender.test", "127.0.0.2");
    Path dataDir = Files.createTempDirectory("relay-it-");
    PostgresDatabase database = storage == Storage.POSTGRES ? PostgresDatabase.create() : null;
    return new RelayFixture(storage, dns, sink, dataDir, database);
  }

  /** Adds HOCON that overrides the fixture's defaults (before {@link #start}). */
  RelayFixture with(String hocon) {
    extraConfig.add(hocon);
    return this;
  }

  /** The registry view the node's SMTP checks read instead of its own (before {@link #start}). */
  RelayFixture withRegistry(RegistryView view) {
    registry = Optional.of(view);
    return this;
  }

  Config config() {
    StringBuilder hocon = new StringBuilder();
    hocon.append("relay.hostname = \"relay.test\"\n");
    hocon.append(System.getProperty("relay.test.extra", "")).append("\n");
    hocon.append("relay.data-dir = \"").append(dataDir.toString().replace("\\", "/")).append("\"\n");
    hocon.append("relay.listeners = [ { name = \"test\", host = \"127.0.0.1\", port = 0 } ]\n");
    hocon.append("relay.clients = [ { name = \"test-app\", ips = [\"127.0.0.1\"] } ]\n");
    hocon.append("relay.http { host = \"127.0.0.1\", port = 0 }\n");
    hocon.append("relay.cluster.port = 0\n");
    hocon.append("relay.smtp.client.port = ").append(sink.port()).append('\n');
    hocon.append("relay.dns.servers = [\"").append(dns.serverString()).append("\"]\n");
    hocon.append("relay.dns.timeout = 2s\n");
    hocon.append("relay.queue.retry { initial = 500ms, multiplier = 1.5, max-interval = 2s }\n");
    hocon.append("relay.smtp.client.connect-timeout = 2s\n");
    // The sinks and the fake MX hosts are on 127.0.0.x, which the relay otherwise refuses.
    hocon.append("relay.delivery.allowed-networks = [\"127.0.0.0/8\"]\n");
    if (storage == Storage.POSTGRES) {
      hocon.append("relay.storage.kind = postgres\n");
      hocon.append("relay.storage.postgres { url = \"").append(database.url())
          .append("\", user = \"postgres\", password = \"\" }\n");
    }
    for (String extra : extraConfig) {
      hocon.append(extra).append('\n');
    }
    return RelayConfig.layered(ConfigFactory.parseString(hocon.toString()));
  }

  RelayFixture start() throws Exception {
    node = RelayNode.start(config(), registry);
    return this;
  }

  /** Graceful stop, then start again on the same storage. */
  RelayFixture restart() throws Exception {
    stopNode();
    return start();
  }

  void stopNode() throws Exception {
    if (node != null) {
      node.stop();
      node = null;
    }
  }

  /** The fixture's own database (POSTGRES only). */
  PostgresDatabase database() {
    return database;
  }

  RelayNode node() {
    return node;
  }

  InetSocketAddress smtp() {
    return node.smtpAddresses().get(0);
  }

  @Override
  public void close() throws Exception {
    try {
      stopNode();
    } finally {
      sink.close();
      dns.close();
      if (database != null) {
        database.close();
      }
      deleteRecursively(dataDir);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

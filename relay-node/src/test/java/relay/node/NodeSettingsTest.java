package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import relay.node.config.ClusterTransport;
import relay.node.config.NodeSettings;
import relay.node.config.Route;
import relay.node.config.StorageSettings;

/** The node's configuration as an operator writes it: layering, checks and clear errors. */
class NodeSettingsTest {

  private static NodeSettings load(String hocon) {
    return NodeSettings.fromConfig(RelayConfig.layered(ConfigFactory.parseString(hocon)));
  }

  @Test
  void embeddedDatabaseAndSpoolLiveInTheConfiguredDataDirectory() {
    NodeSettings settings = load("relay.data-dir = \"/var/lib/relay-test\"");
    assertTrue(settings.storage().jdbcUrl().startsWith("jdbc:h2:file:/var/lib/relay-test/relay;"),
        settings.storage().jdbcUrl());
    assertEquals(Path.of("/var/lib/relay-test/spool"), settings.storage().spoolDir());
    assertEquals(StorageSettings.SpoolKind.FILE, settings.storage().spool());
  }

  @Test
  void h2HasOneJournalWriterAndPostgresThePluginsEight() {
    Config base = RelayConfig.layered(ConfigFactory.parseString(""));
    assertEquals(1, load("").storage().persistenceConfig().withFallback(base).resolve()
        .getInt(StorageSettings.JOURNAL_PARALLELISM));
    assertEquals(8, load("relay.storage.kind = postgres").storage().persistenceConfig()
        .withFallback(base).resolve().getInt(StorageSettings.JOURNAL_PARALLELISM));
  }

  @Test
  void theH2JournalSyncsEveryCommitUnlessTurnedOff() {
    Config base = RelayConfig.layered(ConfigFactory.parseString(""));
    String driver = "pekko-persistence-jdbc.shared-databases.slick.db.driver";
    assertEquals("relay.node.config.DurableH2Driver",
        load("").storage().persistenceConfig().withFallback(base).resolve().getString(driver));
    assertEquals("org.h2.Driver", load("relay.storage.h2.sync-on-commit = off").storage()
        .persistenceConfig().withFallback(base).resolve().getString(driver));
    assertEquals("org.postgresql.Driver", load("relay.storage.kind = postgres").storage()
        .persistenceConfig().withFallback(base).resolve().getString(driver));
  }

  @Test
  void everySectionIsReadAndCheckedBeforeTheNodeStarts() {
    NodeSettings defaults = load("");
    assertEquals(Duration.ofMinutes(5), defaults.joinTimeout());
    assertEquals("relay.test", load("relay.hostname = relay.test").outbound().client().heloName());
    assertEquals(5, defaults.outbound().delivery().maxAddressesPerAttempt());
    for (String bad : List.of("relay.cluster.join-timeout = 0s",
        "relay.delivery.max-addresses-per-attempt = 0",
        "relay.dns.retries = -1",
        "relay.queue.max-pending-messages = 0",
        "relay.queue.max-outcomes-per-write = 0",
        "relay.queue.snapshot-every = 5",
        "relay.queue.remembered-completions = -1",
        "relay.queue.connection-linger = 10m",
        "relay.queue.retry.multiplier = 11",
        "relay.queue.shaping.default.max-connections = 0",
        "relay.queue.shaping.default.messages-per-minute = -1",
        "relay.queue.gateway.accept-deadline = 0s",
        "relay.queue.duplicates.max-entries = -1",
        "relay.storage.pool-size = 1",
        "relay.storage.spool-recycle = -1")) {
      String key = bad.substring(0, bad.indexOf(" ="));
      String m = assertThrows(IllegalArgumentException.class, () -> load(bad), bad).getMessage();
      assertTrue(m.startsWith(key + " = ") && m.contains(" is outside "), bad + " -> " + m);
    }
  }

  @Test
  void theSpoolRecycleLimitIsChecked() {
    assertEquals(1024, load("").storage().spoolRecycle());
    assertEquals(0, load("relay.storage.spool-recycle = 0").storage().spoolRecycle());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> load("relay.storage.spool-recycle = -1"));
    assertTrue(e.getMessage().contains("relay.storage.spool-recycle"), e.getMessage());
  }

  @Test
  void postgresUsesTheDatabaseSpoolByDefault() {
    NodeSettings settings = load("relay.storage { kind = postgres, postgres.url = \"jdbc:postgresql://db:5432/relay\" }");
    assertEquals(StorageSettings.SpoolKind.DATABASE, settings.storage().spool());
    assertEquals("jdbc:postgresql://db:5432/relay?connectTimeout=10&loginTimeout=10&socketTimeout=30"
        + "&options=-c%20synchronous_commit=on%20-c%20statement_timeout=20000"
        + "%20-c%20idle_in_transaction_session_timeout=5000",
        settings.storage().jdbcUrl(), "bounded calls, durable commits, stale transactions end after 5 s");
    assertEquals("jdbc:postgresql://db/relay?ssl=true&socketTimeout=5&connectTimeout=2&loginTimeout=2"
        + "&options=-c%20synchronous_commit=on%20-c%20statement_timeout=3000",
        load("relay.storage { kind = postgres, postgres { url = \"jdbc:postgresql://db/relay?ssl=true&socketTimeout=5\", "
            + "idle-in-transaction-timeout = 0, connect-timeout = 2s, statement-timeout = 3s } }")
            .storage().jdbcUrl(), "what the URL sets stays");
    assertEquals("jdbc:postgresql://db/relay?options=-c%20search_path=relay&connectTimeout=10&loginTimeout=10"
        + "&socketTimeout=30",
        load("relay.storage { kind = postgres, postgres.url = \"jdbc:postgresql://db/relay?options=-c%20search_path=relay\" }")
            .storage().jdbcUrl(), "options given in the URL are left alone");
  }

  @Test
  void storageTimeoutsAreCheckedAndReachBothPools() {
    NodeSettings settings = load("relay.storage { kind = postgres, pool-connection-timeout = 3s }");
    assertEquals(new StorageSettings.Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(2),
        Duration.ofSeconds(30)), settings.storage().timeouts());
    Config journal = settings.storage().persistenceConfig();
    assertEquals(3000, journal.getLong("pekko-persistence-jdbc.shared-databases.slick.db.connectionTimeout"));
    assertEquals(2000, journal.getLong("pekko-persistence-jdbc.shared-databases.slick.db.validationTimeout"));
    for (String[] bad : new String[][] {
        {"relay.storage.pool-connection-timeout = 100ms", "relay.storage.pool-connection-timeout = PT0.1S is outside"},
        {"relay.storage.pool-validation-timeout = 5s", "relay.storage.pool-validation-timeout (PT5S) must be shorter"},
        {"relay.storage.spool-commit-timeout = 0s", "relay.storage.spool-commit-timeout = PT0S is outside"},
        {"relay.storage { kind = postgres, postgres.socket-timeout = 20s }",
            "relay.storage.postgres.socket-timeout (PT20S) must be longer than relay.storage.postgres.statement-timeout"},
        {"relay.storage { kind = postgres, postgres.connect-timeout = 1500ms }",
            "relay.storage.postgres.connect-timeout = PT1.5S must be whole seconds"},
        {"relay.storage { kind = postgres, postgres.statement-timeout = 2h }",
            "relay.storage.postgres.statement-timeout = PT2H is outside"}}) {
      String message = assertThrows(IllegalArgumentException.class, () -> load(bad[0])).getMessage();
      assertTrue(message.startsWith(bad[1]), bad[0] + " -> " + message);
    }
  }

  @Test
  void thePasswordNeverShowsInTheSettingsText() {
    NodeSettings settings = load("relay.storage { kind = postgres, postgres.password = \"s3cr3t-PW\" }");
    assertEquals("s3cr3t-PW", settings.storage().password());
    assertFalse(settings.storage().toString().contains("s3cr3t-PW"), settings.storage().toString());
    assertFalse(settings.toString().contains("s3cr3t-PW"), settings.toString());
    assertTrue(settings.storage().toString().contains("password=(hidden)"), settings.storage().toString());
    assertTrue(load("").storage().toString().contains("password=(none)"));
  }

  /**
   * Storage a cluster of several nodes would lose mail with is refused at start; "several
   * nodes" is min-members above 1 or a seed other than the node's own address.
   */
  @Test
  void storageThatACLusterWouldLoseMailWithIsRefused() {
    String pg = "relay.storage.kind = postgres\n";
    String otherSeed = "relay.cluster.seed-nodes = [\"pekko://relay@10.0.0.2:25520\"]\n";
    String ownSeed = "relay.cluster { host = \"10.0.0.1\", port = 25520, "
        + "seed-nodes = [\"pekko://relay@10.0.0.1:25520\"] }\n";
    String twoMembers = "relay.cluster.min-members = 2\n";
    String fileSpool = "relay.storage.spool = file\n";
    // configuration -> the start of the refusal, or null when the node may start
    String[][] table = {
        {"", null},
        {ownSeed, null},
        {ownSeed + fileSpool, null},
        {pg + fileSpool + ownSeed, null},
        {pg + otherSeed, null},
        {pg + twoMembers, null},
        {otherSeed, "relay.storage.kind = h2 keeps the queues"},
        {twoMembers, "relay.storage.kind = h2 keeps the queues"},
        {pg + fileSpool + otherSeed, "relay.storage.spool = file keeps message bodies"},
        {pg + fileSpool + twoMembers, "relay.storage.spool = file keeps message bodies"},
        {"relay.cluster.seed-nodes = [\"relay@host\"]", "relay.cluster.seed-nodes: \"relay@host\" is not"},
    };
    for (String[] row : table) {
      if (row[1] == null) {
        load(row[0]);
      } else {
        String message = assertThrows(IllegalArgumentException.class, () -> load(row[0]),
            row[0]).getMessage();
        assertTrue(message.startsWith(row[1]), row[0] + " -> " + message);
      }
    }
    String message = assertThrows(IllegalArgumentException.class, () -> load(pg + fileSpool + otherSeed))
        .getMessage();
    assertTrue(message.contains("set relay.storage.spool = database"), message);
  }

  @Test
  void aTlsClusterTransportNeedsStoresThatOpen() {
    ClusterTransport.check(RelayConfig.layered(ConfigFactory.parseString(
        "relay.cluster.transport = tcp")).getConfig("relay.cluster"));
    String[][] table = {
        {"relay.cluster.transport = udp", "relay.cluster.transport must be \"tcp\" or \"tls-tcp\""},
        {"relay.cluster.transport = tls-tcp", "relay.cluster.transport = tls-tcp needs relay.cluster.tls.key-store"},
        {"relay.cluster { transport = tls-tcp, tls.key-store = /nonexistent.p12 }",
            "relay.cluster.transport = tls-tcp needs relay.cluster.tls.key-store-password"},
        {"relay.cluster { transport = tls-tcp, tls { key-store = /nonexistent.p12, key-store-password = pw1secret } }",
            "relay.cluster.tls.key-store /nonexistent.p12 cannot be opened with relay.cluster.tls.key-store-password"},
    };
    for (String[] row : table) {
      Config cluster = RelayConfig.layered(ConfigFactory.parseString(row[0])).getConfig("relay.cluster");
      String message = assertThrows(IllegalArgumentException.class,
          () -> ClusterTransport.check(cluster)).getMessage();
      assertTrue(message.startsWith(row[1]), row[0] + " -> " + message);
      assertFalse(message.contains("pw1secret"), message);
    }
  }

  @Test
  void theGreetingNameFollowsTheHostnameUnlessSetItself() {
    assertEquals("mx.example.org", load("relay.hostname = mx.example.org").smtp().hostname());
    assertEquals("smtp.example.org", load("relay.hostname = mx.example.org\n"
        + "relay.smtp.server.hostname = smtp.example.org").smtp().hostname());
  }

  @Test
  void listenersTakeTlsAndAuthModesCheckedAtStart() {
    NodeSettings plain = load("");
    assertEquals(relay.protocol.server.ListenerSecurity.PLAIN, plain.listeners().get(0).security(),
        "the default listener stays plain: the README's first command and the benchmark");
    String listener = "relay.listeners = [ { name = sub, host = \"127.0.0.1\", port = 0, ";
    String certs = "relay.tls.certificates = [ { chain = /x/cert.pem, key = /x/key.pem } ]\n";
    NodeSettings submission = load(certs + listener + "tls = required-starttls, auth = required } ]");
    assertEquals(new relay.protocol.server.ListenerSecurity(
        relay.protocol.server.ListenerSecurity.Tls.REQUIRED_STARTTLS,
        relay.protocol.server.ListenerSecurity.Auth.REQUIRED),
        submission.listeners().get(0).security());
    NodeSettings example = load(readOpsConfig("tls.conf"));
    assertEquals(List.of("smtp starttls none", "submission required-starttls required",
        "submissions implicit required"), example.listeners().stream().map(l -> l.name() + " "
            + l.security().tls().configName() + " " + l.security().auth().configName()).toList(),
        "ops/config/tls.conf, the README's example");
    for (String[] row : new String[][] {
        {listener + "tls = none, auth = required } ]", "AUTH is only offered over TLS"},
        {listener + "tls = ssl } ]", "relay.listeners[sub].tls = \"ssl\" is not one of"},
        {listener + "tls = starttls, auth = maybe } ]", "relay.listeners[sub].auth = \"maybe\""},
        {listener + "tls = implicit } ]", "relay.listeners[sub].tls = implicit needs a "
            + "certificate and key in relay.tls.certificates"}}) {
      String message = assertThrows(IllegalArgumentException.class, () -> load(row[0]), row[0])
          .getMessage();
      assertTrue(message.contains(row[1]), message);
    }
  }

  private static String readOpsConfig(String name) {
    try {
      return java.nio.file.Files.readString(OpsScript.ROOT.resolve("ops/config").resolve(name));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void registeredClientsAreSingleAddresses() {
    NodeSettings settings = load("relay.clients = [ { name = app, ips = [\"192.0.2.10\", \"2001:db8::10\"] } ]");
    assertEquals(List.of("192.0.2.10", "2001:db8:0:0:0:0:0:10"), settings.clients().get(0).ips());
  }

  @Test
  void sessionLimitsComeFromTheClientOrTheDefaults() {
    NodeSettings settings = load("relay.client-defaults.max-sessions = 7\n"
        + "relay.clients = [ { name = a, ips = [\"192.0.2.1\"], max-sessions = 2 },"
        + " { name = b, ips = [\"192.0.2.2\"] } ]");
    assertEquals(2, settings.clients().get(0).maxSessions());
    assertEquals(7, settings.clients().get(1).maxSessions());
    assertEquals(100, load("relay.clients = [ { name = c, ips = [\"192.0.2.3\"] } ]")
        .clients().get(0).maxSessions(), "the documented default");
  }

  @Test
  void aSessionLimitBelowOneIsRefusedNamingItsKey() {
    assertEquals("relay.clients: client \"a\" max-sessions = 0 is outside 1 .. 1000000",
        assertThrows(IllegalArgumentException.class, () -> load(
            "relay.clients = [ { name = a, ips = [\"192.0.2.1\"], max-sessions = 0 } ]")).getMessage());
    assertEquals("relay.client-defaults.max-sessions = -1 is outside 1 .. 1000000",
        assertThrows(IllegalArgumentException.class,
            () -> load("relay.client-defaults.max-sessions = -1")).getMessage());
  }

  @Test
  void aRangeIsRefusedAtLoadWithAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> load("relay.clients = [ { name = lab, ips = [\"192.0.2.0/24\"] } ]"));
    assertEquals("relay.clients: client \"lab\" lists the range \"192.0.2.0/24\"; only single IP addresses "
        + "may be registered", e.getMessage());
  }

  @Test
  void aHostNameIsNotAnAddress() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> load("relay.clients = [ { name = app, ips = [\"app.example.org\"] } ]"));
    assertTrue(e.getMessage().contains("is not an IP address"), e.getMessage());
  }

  @Test
  void routesAreParsedOnceWithAddressLiterals() {
    NodeSettings settings = load("relay.routes { \"Example.COM\" = \"[192.0.2.1]:2525\", \"*\" = \"smarthost.test:587\" }");
    assertEquals(new Route("192.0.2.1", 2525), settings.routes().get("example.com"));
    assertEquals(new Route("smarthost.test", 587), settings.routes().get("*"));
  }

  @Test
  void badRoutesAndStorageKindsNameTheirKey() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> load("relay.routes { \"*\" = \"smarthost\" }"))
        .getMessage().startsWith("relay.routes:"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> load("relay.storage.kind = mysql"))
        .getMessage().startsWith("relay.storage.kind"));
  }

  @Test
  void seedNodesComeFromTheEnvironmentUnlessTheFileListsThem() {
    String variable = " pekko://relay@10.0.0.1:25520, pekko://relay@10.0.0.2:25520 ";
    assertEquals(List.of("pekko://relay@10.0.0.1:25520", "pekko://relay@10.0.0.2:25520"),
        RelayConfig.layered(ConfigFactory.empty(), variable).getStringList("pekko.cluster.seed-nodes"));
    assertEquals(List.of("pekko://relay@10.9.9.9:25520"), RelayConfig.layered(ConfigFactory.parseString(
        "relay.cluster.seed-nodes = [\"pekko://relay@10.9.9.9:25520\"]"), variable)
        .getStringList("pekko.cluster.seed-nodes"));
    assertEquals(List.of(), RelayConfig.layered(ConfigFactory.empty(), "")
        .getStringList("pekko.cluster.seed-nodes"));
  }
}

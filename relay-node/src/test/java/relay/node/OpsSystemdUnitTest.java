package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import relay.node.config.NodeSettings;
import relay.node.config.StorageSettings;

/**
 * ops/systemd: the unit stops the node the way its graceful shutdown needs, and the example
 * relay.conf and relay.env are a configuration the node accepts. (systemd-analyze verify checks
 * the unit's syntax; this checks what it cannot know about the relay.)
 */
class OpsSystemdUnitTest {

  private static final Path SYSTEMD = Path.of("").toAbsolutePath().getParent().resolve("ops/systemd");

  private static Map<String, List<String>> service;
  private static Config relayConf;

  @BeforeAll
  static void load() throws Exception {
    service = section(Files.readAllLines(SYSTEMD.resolve("relay.service")), "Service");
    relayConf = RelayConfig.layered(ConfigFactory.parseFile(SYSTEMD.resolve("relay.conf").toFile()),
        environmentFile().get("RELAY_SEED_NODES"));
  }

  @Test
  void theExampleConfigurationIsAClusterNodeTheRelayAccepts() throws Exception {
    NodeSettings settings = NodeSettings.fromConfig(relayConf);
    assertEquals(StorageSettings.Kind.POSTGRES, settings.storage().kind(), "a cluster of several nodes needs PostgreSQL");
    assertTrue(relayConf.getStringList("pekko.cluster.seed-nodes").size() % 2 == 1, "an odd number of seed nodes");
    String execStart = single("ExecStart");
    assertTrue(execStart.contains("-Dconfig.file=/etc/relay/relay.conf"), "ExecStart reads /etc/relay/relay.conf: " + execStart);
    assertEquals("/etc/relay/relay.env", single("EnvironmentFile"));
  }

  @Test
  void theEnvironmentFileSetsOnlyVariablesTheNodeReads() throws Exception {
    Set<String> known = RelayEnvironment.knownVariables();
    for (String name : environmentFile().keySet()) {
      assertTrue(name.equals("JAVA_OPTS") || known.contains(name), "relay.env sets " + name + ", which the node never reads; known: " + known);
    }
  }

  @Test
  void stoppingSendsSigtermToTheJvmAndWaitsLongerThanTheDrain() {
    assertEquals("SIGTERM", single("KillSignal"));
    assertTrue(List.of("mixed", "process").contains(single("KillMode")),
        "SIGTERM to the JVM only, not to every process at once: KillMode=" + single("KillMode"));
    Duration stop = relayConf.getDuration("relay.shutdown.drain-timeout")
        .plus(relayConf.getDuration("pekko.coordinated-shutdown.phases.service-requests-done.timeout"));
    long timeout = Long.parseLong(single("TimeoutStopSec"));
    assertTrue(timeout > stop.toSeconds(), "TimeoutStopSec " + timeout + " must exceed " + stop.toSeconds() + "s");
    assertTrue(List.of(single("SuccessExitStatus").split("\\s+")).contains("143"),
        "the JVM exits with 143 after a SIGTERM; that is a clean stop");
    assertEquals("on-failure", single("Restart"));
    assertTrue(Long.parseLong(single("LimitNOFILE")) >= 65536, "LimitNOFILE");
  }

  @Test
  void theJitKeepsItsWritableExecutableMemory() {
    assertFalse(service.containsKey("MemoryDenyWriteExecute") && single("MemoryDenyWriteExecute").equals("yes"),
        "MemoryDenyWriteExecute=yes stops the JVM's JIT");
    assertEquals("yes", single("NoNewPrivileges"));
    assertEquals("strict", single("ProtectSystem"));
  }

  private static String single(String key) {
    List<String> values = service.get(key);
    assertTrue(values != null && values.size() == 1, "[Service] must set " + key + " once: " + values);
    return values.get(0);
  }

  /** key -> values of one [section] of a unit file (comments and blank lines skipped). */
  private static Map<String, List<String>> section(List<String> lines, String name) {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    String current = "";
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current = line.substring(1, line.length() - 1);
      } else if (current.equals(name)) {
        int eq = line.indexOf('=');
        assertTrue(eq > 0, "not key=value in [" + name + "]: " + line);
        keys.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
      }
    }
    assertFalse(keys.isEmpty(), "no [" + name + "] section");
    return keys;
  }

  /** The example /etc/relay/relay.env: KEY=value lines. */
  private static Map<String, String> environmentFile() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    for (String raw : Files.readAllLines(SYSTEMD.resolve("relay.env"))) {
      String line = raw.strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        int eq = line.indexOf('=');
        assertTrue(eq > 0, "not KEY=value in relay.env: " + line);
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
  }
}

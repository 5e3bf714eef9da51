package relay.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** relay.registry from reference.conf, and each bad value refused naming the full key. */
class RegistrySettingsTest {

  static RegistrySettings read(String overrides) {
    Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load());
    return RegistrySettings.fromConfig(config.getConfig("relay.registry"));
  }

  @Test
  void defaults() {
    assertEquals(new RegistrySettings(Duration.ofSeconds(5), Duration.ofSeconds(1),
        Duration.ofSeconds(1), 1000, 5000, 20000, 1000, 10000, 100,
        "postmaster@localhost",
        Duration.ofSeconds(2)), read(""));
    assertEquals(Duration.ofMillis(100), ConfigFactory.load()
        .getDuration("pekko.cluster.distributed-data.notify-subscribers-interval"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ask-timeout = 50ms|relay.registry.ask-timeout = PT0.05S is outside PT0.1S .. PT1M",
      "write-timeout = 1m|relay.registry.write-timeout = PT1M is outside PT0.01S .. PT30S",
      "view-wait = 31s|relay.registry.view-wait = PT31S is outside PT0S .. PT30S",
      "audit-entries = -1|relay.registry.audit-entries = -1 is outside 0 .. 100000",
      "max-clients = 0|relay.registry.max-clients = 0 is outside 1 .. 50000",
      "max-blocks = 50001|relay.registry.max-blocks = 50001 is outside 1 .. 50000",
      "max-tokens = 10001|relay.registry.max-tokens = 10001 is outside 1 .. 10000",
      "max-credentials = 0|relay.registry.max-credentials = 0 is outside 1 .. 50000",
      "snapshot-every = 0|relay.registry.snapshot-every = 0 is outside 1 .. 100000",
      "import.contact = nobody|relay.registry.import.contact: \"nobody\" is not an email address",
      "import.retry = 0s|relay.registry.import.retry = PT0S is outside PT0.01S .. PT10M",
  })
  void badValuesNameTheKey(String setting, String message) {
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> read("relay.registry." + setting)).getMessage());
  }
}

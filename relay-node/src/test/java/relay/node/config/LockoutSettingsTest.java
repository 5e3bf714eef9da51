package relay.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import relay.persistence.lockout.LockoutSettings;

/**
 * relay.auth.lockout from relay-node's reference.conf (3 failures in 30 min lock out for 30 min),
 * and each bad value refused naming the full key.
 */
class LockoutSettingsTest {

  static LockoutSettings read(String overrides) {
    Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load());
    return LockoutSettings.fromConfig(config.getConfig("relay.auth.lockout"));
  }

  @Test
  void defaults() {
    assertEquals(new LockoutSettings(3, Duration.ofMinutes(30), Duration.ofMinutes(30), 10000,
        1000, Duration.ofSeconds(5), Duration.ofSeconds(3)), read(""));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "failures = 0|relay.auth.lockout.failures = 0 is outside 1 .. 1000",
      "window = 0s|relay.auth.lockout.window = PT0S is outside PT1S .. PT720H",
      "duration = 400d|relay.auth.lockout.duration = PT9600H is outside PT1S .. PT8760H",
      "max-addresses = 0|relay.auth.lockout.max-addresses = 0 is outside 1 .. 1000000",
      "max-lockouts = 50001|relay.auth.lockout.max-lockouts = 50001 is outside 1 .. 50000",
      "retry-interval = 1ms"
          + "|relay.auth.lockout.retry-interval = PT0.001S is outside PT0.1S .. PT10M",
      "ask-timeout = 2m|relay.auth.lockout.ask-timeout = PT2M is outside PT0.1S .. PT1M",
  })
  void badValuesNameTheKey(String setting, String message) {
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> read("relay.auth.lockout." + setting)).getMessage());
  }

  @Test
  void theNodeChecksThemAtStart() {
    assertEquals("relay.auth.lockout.failures = 0 is outside 1 .. 1000",
        assertThrows(IllegalArgumentException.class, () -> NodeSettings.fromConfig(
            ConfigFactory.parseString("relay.auth.lockout.failures = 0")
                .withFallback(ConfigFactory.load()))).getMessage());
  }
}

package relay.persistence.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** relay.quotas from reference.conf, and each bad value refused naming the full key. */
class QuotaSettingsTest {

  static QuotaSettings read(String overrides) {
    Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load());
    return QuotaSettings.fromConfig(config.getConfig("relay.quotas"));
  }

  @Test
  void defaults() {
    assertEquals(new QuotaSettings(0.05, 10000, 20, Duration.ofSeconds(3),
        Duration.ofSeconds(10), 100, 100, Duration.ofDays(31)), read(""));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lease-fraction = 0|relay.quotas.lease-fraction = 0.0 is outside 0.001 .. 1.0",
      "lease-fraction = 1.5|relay.quotas.lease-fraction = 1.5 is outside 0.001 .. 1.0",
      "max-lease = 0|relay.quotas.max-lease = 0 is outside 1 .. 1000000",
      "max-borrow = -1|relay.quotas.max-borrow = -1 is outside 0 .. 100000",
      "ask-timeout = 50ms|relay.quotas.ask-timeout = PT0.05S is outside PT0.1S .. PT1M",
      "used-up-recheck = 2h|relay.quotas.used-up-recheck = PT2H is outside PT0.01S .. PT1H",
      "snapshot-every = 0|relay.quotas.snapshot-every = 0 is outside 1 .. 100000",
      "bulk-notices.max-per-client = 0"
          + "|relay.quotas.bulk-notices.max-per-client = 0 is outside 1 .. 10000",
      "bulk-notices.max-window = 367d"
          + "|relay.quotas.bulk-notices.max-window = PT8808H is outside PT1M .. PT8784H",
  })
  void badValuesNameTheKey(String setting, String message) {
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> read("relay.quotas." + setting)).getMessage());
  }
}

package relay.protocol.server;

import com.typesafe.config.ConfigFactory;
import java.util.Map;

/** Server settings for tests: the reference.conf defaults, host name relay.example, overrides. */
final class TestSettings {

  private TestSettings() {}

  static SmtpServerSettings defaults() {
    return with(Map.of());
  }

  /** {@code overrides} maps keys of relay.smtp.server (e.g. "max-errors") to values. */
  static SmtpServerSettings with(Map<String, Object> overrides) {
    return SmtpServerSettings.fromConfig(ConfigFactory.parseMap(overrides)
        .withFallback(ConfigFactory.parseMap(Map.of("hostname", "relay.example")))
        .withFallback(ConfigFactory.defaultReference().getConfig("relay.smtp.server")));
  }
}

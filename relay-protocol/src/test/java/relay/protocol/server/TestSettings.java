package relay.protocol.server;

import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.Map;

/** Server settings for tests: the reference.conf defaults, host name relay.example, overrides. */
final class TestSettings {

  private TestSettings() {}

  static SmtpServerSettings defaults() {
    return with(Map.of());
  }

  /**
   * {@code overrides} maps keys of relay.smtp.server (e.g. "max-errors") to values; a key that
   * starts with "relay." is taken as a full path (e.g. "relay.postmaster").
   */
  static SmtpServerSettings with(Map<String, Object> overrides) {
    Map<String, Object> full = new HashMap<>();
    overrides.forEach((k, v) -> full.put(k.startsWith("relay.") ? k : "relay.smtp.server." + k, v));
    return SmtpServerSettings.fromConfig(ConfigFactory.parseMap(full)
        .withFallback(ConfigFactory.parseMap(Map.of("relay.smtp.server.hostname", "relay.example",
            "relay.postmaster", "hostmaster@relay.example")))
        .withFallback(ConfigFactory.defaultReference()));
  }
}

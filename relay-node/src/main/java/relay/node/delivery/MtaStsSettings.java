package relay.node.delivery;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import relay.protocol.settings.Bounds;

/**
 * The {@code relay.delivery.mta-sts} section (relay-node's reference.conf), read once and
 * checked: whether MTA-STS (RFC 8461) is applied, where policies are fetched from (the port;
 * the trust store their certificates are verified against, empty: the JDK's), the fetch's
 * bounds, and the policy cache (entries, how often a domain's TXT record is looked at again).
 */
public record MtaStsSettings(boolean enabled, int port, Optional<Path> trustStore, String trustStorePassword,
    Duration connectTimeout, Duration fetchTimeout, int maxPolicySize, int cacheMaxEntries, Duration recheck) {

  private static final String KEY = "relay.delivery.mta-sts.";

  public MtaStsSettings {
    Bounds.within(KEY + "port", port, 1, 65535);
    trustStore = trustStore == null ? Optional.empty() : trustStore;
    trustStorePassword = trustStorePassword == null ? "" : trustStorePassword;
    Bounds.within(KEY + "connect-timeout", connectTimeout, Duration.ofMillis(1), Duration.ofMinutes(5));
    Bounds.within(KEY + "fetch-timeout", fetchTimeout, Duration.ofMillis(1), Duration.ofMinutes(10));
    Bounds.within(KEY + "max-policy-size", maxPolicySize, 1024, 1024 * 1024);
    Bounds.within(KEY + "cache-max-entries", cacheMaxEntries, 1, 10_000_000);
    Bounds.within(KEY + "recheck", recheck, Duration.ofMillis(1), Duration.ofDays(1));
  }

  /** Reads the {@code relay.delivery.mta-sts} section (the section itself). */
  public static MtaStsSettings fromConfig(Config c) {
    String store = c.getString("trust-store").trim();
    return new MtaStsSettings(c.getBoolean("enabled"), c.getInt("port"),
        store.isEmpty() ? Optional.empty() : Optional.of(Path.of(store)), c.getString("trust-store-password"),
        c.getDuration("connect-timeout"), c.getDuration("fetch-timeout"),
        (int) Math.min(Integer.MAX_VALUE, c.getBytes("max-policy-size")), c.getInt("cache-max-entries"),
        c.getDuration("recheck"));
  }
}

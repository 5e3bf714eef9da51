package relay.protocol.client;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import relay.protocol.settings.Bounds;

/**
 * The {@code relay.smtp.client.tls} section, read once and checked: whether the client uses
 * STARTTLS at all (RFC 3207), the protocol versions it offers, the trust store certificates are
 * verified against (empty: the JDK's) and how long a handshake may take.
 *
 * @param startTls false: never STARTTLS (destinations whose policy requires TLS are deferred)
 * @param protocols TLSv1.3 and/or TLSv1.2 only
 * @param trustStore a PKCS12 file of trusted certificates; empty: the JDK's default trust store
 * @param trustStorePassword its password ("" for none)
 * @param handshakeTimeout the whole handshake, never past the attempt's deadline
 */
public record ClientTlsSettings(boolean startTls, List<String> protocols, Optional<Path> trustStore,
    String trustStorePassword, Duration handshakeTimeout) {

  private static final String KEY = "relay.smtp.client.tls.";
  private static final List<String> ALLOWED = List.of("TLSv1.3", "TLSv1.2");

  public ClientTlsSettings {
    protocols = List.copyOf(protocols);
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException(KEY + "protocols is empty");
    }
    for (String p : protocols) {
      if (!ALLOWED.contains(p)) {
        throw new IllegalArgumentException(KEY + "protocols: \"" + p + "\" is not TLSv1.3 or TLSv1.2");
      }
    }
    trustStore = trustStore == null ? Optional.empty() : trustStore;
    trustStorePassword = trustStorePassword == null ? "" : trustStorePassword;
    Bounds.within(KEY + "handshake-timeout", handshakeTimeout, Duration.ofMillis(1), Duration.ofMinutes(10));
  }

  /** Reads the {@code relay.smtp.client.tls} section (the section itself). */
  public static ClientTlsSettings fromConfig(Config tls) {
    String store = tls.getString("trust-store").trim();
    return new ClientTlsSettings(tls.getBoolean("starttls"), tls.getStringList("protocols"),
        store.isEmpty() ? Optional.empty() : Optional.of(Path.of(store)),
        tls.getString("trust-store-password"), tls.getDuration("handshake-timeout"));
  }

  /** The defaults from reference.conf. */
  public static ClientTlsSettings defaults() {
    return fromConfig(ConfigFactory.defaultReference().getConfig("relay.smtp.client.tls"));
  }

  /** A copy that trusts the certificates of this PKCS12 store instead of the JDK's (tests). */
  public ClientTlsSettings withTrustStore(Path store, String password) {
    return new ClientTlsSettings(startTls, protocols, Optional.of(store), password, handshakeTimeout);
  }
}

package relay.protocol.tls;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import relay.protocol.settings.Bounds;

/**
 * The server's TLS, read once from {@code relay.tls} (see reference.conf for each key) and
 * checked at start.
 *
 * @param keyPairs certificate chain and private key files, one pair per key type (an RSA and an
 *     ECDSA certificate may be served side by side: the handshake picks what the client
 *     supports); empty: no TLS on this node
 * @param protocols TLSv1.3 and/or TLSv1.2, nothing older
 * @param cipherSuites in the server's order of preference; TLS 1.3 suites and, for TLS 1.2,
 *     ECDHE with AES-GCM or ChaCha20-Poly1305 only
 * @param handshakeTimeout from STARTTLS (or the connection, for implicit TLS) to the end of the
 *     handshake
 * @param reloadCheckInterval how often the PEM files are checked for a change, at the most (on
 *     the next new connection once it has passed); zero: at every new connection
 */
public record TlsSettings(List<KeyPairFiles> keyPairs, List<String> protocols,
    List<String> cipherSuites, Duration handshakeTimeout, Duration reloadCheckInterval) {

  private static final String KEY = "relay.tls.";
  private static final String RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

  /*
   * No client-initiated renegotiation (TLS 1.2; 1.3 has none). The JDK has no per-engine switch:
   * it reads this property once, at the JVM's first server-side handshake, whoever makes it.
   * Set here, when the node reads relay.tls at start, before its ActorSystem exists (whose
   * Artery may be TLS too), unless the JVM was started with the property set either way. A test
   * JVM's first server handshake may come from another test: the parent pom sets it for them.
   */
  static {
    if (System.getProperty(RENEGOTIATION) == null) {
      System.setProperty(RENEGOTIATION, "true");
    }
  }
  private static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");
  /** Forward-secret AEAD suites only: TLS 1.3's, and ECDHE + AES-GCM / ChaCha20 for TLS 1.2. */
  private static final Pattern MODERN_SUITE = Pattern.compile(
      "TLS_AES_(128_GCM_SHA256|256_GCM_SHA384)|TLS_CHACHA20_POLY1305_SHA256"
          + "|TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_128_GCM_SHA256|AES_256_GCM_SHA384"
          + "|CHACHA20_POLY1305_SHA256)");

  /** The default order: AES-256 first, ChaCha20 before AES-128, ECDSA before RSA for 1.2. */
  public static final List<String> DEFAULT_CIPHER_SUITES = List.of(
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /**
   * One certificate and its key, as PEM files.
   *
   * @param certificateChain the server's certificate first, then the intermediates
   * @param privateKey PKCS#8 ("BEGIN PRIVATE KEY"), PKCS#1 ("BEGIN RSA PRIVATE KEY") or SEC1
   *     ("BEGIN EC PRIVATE KEY"), not encrypted
   */
  public record KeyPairFiles(Path certificateChain, Path privateKey) {
    public KeyPairFiles {
      Objects.requireNonNull(certificateChain, "certificateChain");
      Objects.requireNonNull(privateKey, "privateKey");
    }
  }

  public TlsSettings {
    keyPairs = List.copyOf(keyPairs);
    protocols = List.copyOf(protocols);
    cipherSuites = List.copyOf(cipherSuites);
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException(KEY + "protocols is empty (TLSv1.3, TLSv1.2)");
    }
    for (String protocol : protocols) {
      if (!PROTOCOLS.contains(protocol)) {
        throw new IllegalArgumentException(KEY + "protocols: " + protocol
            + " is not allowed (TLSv1.3, TLSv1.2)");
      }
    }
    if (cipherSuites.isEmpty()) {
      throw new IllegalArgumentException(KEY + "cipher-suites is empty");
    }
    for (String suite : cipherSuites) {
      if (!MODERN_SUITE.matcher(suite).matches()) {
        throw new IllegalArgumentException(KEY + "cipher-suites: " + suite + " is not allowed "
            + "(TLS 1.3 suites, or ECDHE with AES-GCM or ChaCha20-Poly1305)");
      }
    }
    Bounds.within(KEY + "handshake-timeout", handshakeTimeout, Duration.ofMillis(100),
        Duration.ofMinutes(10));
    Bounds.within(KEY + "reload-check-interval", reloadCheckInterval, Duration.ZERO,
        Duration.ofDays(1));
  }

  /** The defaults with these key pairs (tests, tools). */
  public static TlsSettings of(List<KeyPairFiles> keyPairs) {
    return new TlsSettings(keyPairs, DEFAULT_PROTOCOLS, DEFAULT_CIPHER_SUITES,
        Duration.ofSeconds(30), Duration.ofSeconds(10));
  }

  /** Whether any key pair is configured, i.e. whether this node can serve TLS at all. */
  public boolean enabled() {
    return !keyPairs.isEmpty();
  }

  public TlsSettings withHandshakeTimeout(Duration timeout) {
    return new TlsSettings(keyPairs, protocols, cipherSuites, timeout, reloadCheckInterval);
  }

  public TlsSettings withReloadCheckInterval(Duration interval) {
    return new TlsSettings(keyPairs, protocols, cipherSuites, handshakeTimeout, interval);
  }

  /** Reads {@code relay.tls} from the node's whole configuration. */
  public static TlsSettings fromConfig(Config config) {
    Config tls = config.getConfig("relay.tls");
    List<KeyPairFiles> pairs = new ArrayList<>();
    List<? extends Config> entries = tls.getConfigList("certificates");
    for (int i = 0; i < entries.size(); i++) {
      Config entry = entries.get(i);
      String where = KEY + "certificates[" + i + "]";
      if (!entry.hasPath("chain") || !entry.hasPath("key")) {
        throw new IllegalArgumentException(where + " needs both chain and key (PEM file paths)");
      }
      pairs.add(new KeyPairFiles(Path.of(entry.getString("chain")),
          Path.of(entry.getString("key"))));
    }
    return new TlsSettings(pairs, tls.getStringList("protocols"),
        tls.getStringList("cipher-suites"), tls.getDuration("handshake-timeout"),
        tls.getDuration("reload-check-interval"));
  }
}

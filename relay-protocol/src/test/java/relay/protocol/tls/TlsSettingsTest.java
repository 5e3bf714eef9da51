package relay.protocol.tls;

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

/** relay.tls from reference.conf, and each value refused naming its key. */
class TlsSettingsTest {

  private static TlsSettings read(String overrides) {
    Config config = ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference()).resolve();
    return TlsSettings.fromConfig(config);
  }

  @Test
  void defaultsFromReferenceConf() {
    TlsSettings settings = read("");
    assertFalse(settings.enabled());
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), settings.protocols());
    assertEquals(TlsSettings.DEFAULT_CIPHER_SUITES, settings.cipherSuites());
    assertEquals(Duration.ofSeconds(30), settings.handshakeTimeout());
    assertEquals(Duration.ofSeconds(10), settings.reloadCheckInterval());
  }

  @Test
  void keyPairsFromTheList() {
    TlsSettings settings = read("relay.tls.certificates = ["
        + "{ chain = \"/etc/relay/ec.pem\", key = \"/etc/relay/ec.key\" },"
        + "{ chain = \"/etc/relay/rsa.pem\", key = \"/etc/relay/rsa.key\" } ]");
    assertTrue(settings.enabled());
    assertEquals(List.of(
        new TlsSettings.KeyPairFiles(Path.of("/etc/relay/ec.pem"), Path.of("/etc/relay/ec.key")),
        new TlsSettings.KeyPairFiles(Path.of("/etc/relay/rsa.pem"),
            Path.of("/etc/relay/rsa.key"))), settings.keyPairs());
  }

  @Test
  void refusesWhatIsNotModernNamingTheKey() {
    assertRefused("relay.tls.certificates = [ { chain = \"/a.pem\" } ]",
        "relay.tls.certificates[0] needs both chain and key (PEM file paths)");
    assertRefused("relay.tls.protocols = [\"TLSv1.3\", \"TLSv1.1\"]",
        "relay.tls.protocols: TLSv1.1 is not allowed (TLSv1.3, TLSv1.2)");
    assertRefused("relay.tls.protocols = []", "relay.tls.protocols is empty (TLSv1.3, TLSv1.2)");
    assertRefused("relay.tls.cipher-suites = [\"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256\"]",
        "relay.tls.cipher-suites: TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 is not allowed "
            + "(TLS 1.3 suites, or ECDHE with AES-GCM or ChaCha20-Poly1305)");
    assertRefused("relay.tls.cipher-suites = [\"TLS_RSA_WITH_AES_256_GCM_SHA384\"]",
        "relay.tls.cipher-suites: TLS_RSA_WITH_AES_256_GCM_SHA384 is not allowed "
            + "(TLS 1.3 suites, or ECDHE with AES-GCM or ChaCha20-Poly1305)");
    assertRefused("relay.tls.handshake-timeout = 50ms",
        "relay.tls.handshake-timeout = PT0.05S is outside PT0.1S .. PT10M");
    assertRefused("relay.tls.reload-check-interval = 2d",
        "relay.tls.reload-check-interval = PT48H is outside PT0S .. PT24H");
  }

  private static void assertRefused(String overrides, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> read(overrides));
    assertEquals(message, e.getMessage());
  }
}

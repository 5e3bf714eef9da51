package relay.protocol.tls;

import java.util.Objects;
import org.apache.pekko.util.ByteString;

/**
 * What a {@link StartTlsStage} gives the application: bytes received in clear, the report that
 * TLS is up, then bytes received through TLS. After a switch the stage never gives {@link Plain}
 * again, and {@link TlsEstablished} always comes before the first {@link Secure}.
 */
public sealed interface ConnIn {

  /** Bytes the peer sent in clear, before the switch. */
  record Plain(ByteString bytes) implements ConnIn {
    public Plain {
      Objects.requireNonNull(bytes, "bytes");
    }
  }

  /**
   * The TLS handshake completed, once per connection. {@code discardedInput} is what the
   * application declared discarded in its {@link ConnOut.StartTls} (0 for implicit TLS).
   */
  record TlsEstablished(TlsInfo tls, int discardedInput) implements ConnIn {
    public TlsEstablished {
      Objects.requireNonNull(tls, "tls");
    }
  }

  /** Bytes the peer sent through TLS, decrypted. */
  record Secure(ByteString bytes) implements ConnIn {
    public Secure {
      Objects.requireNonNull(bytes, "bytes");
    }
  }
}

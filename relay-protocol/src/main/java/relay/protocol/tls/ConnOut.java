package relay.protocol.tls;

import java.util.Objects;
import org.apache.pekko.util.ByteString;

/**
 * What the application writes into a {@link StartTlsStage}: bytes for the peer, or the switch to
 * TLS.
 */
public sealed interface ConnOut {

  /** Bytes for the peer: in clear before the switch, through TLS after it. */
  record Bytes(ByteString bytes) implements ConnOut {
    public Bytes {
      Objects.requireNonNull(bytes, "bytes");
    }
  }

  /**
   * The switch to TLS (RFC 3207), once per connection. {@code lastPlaintext} is written in clear
   * first (a server's {@code 220 2.0.0 Ready to start TLS}; empty for a client), and every byte
   * after it, both ways, goes through TLS: the stage writes it and switches in one step, so no
   * byte the peer sends after reading it can be taken as plaintext.
   *
   * <p>{@code discardedInput} is how many octets the application received in clear after the
   * command that asked for TLS (pipelined after STARTTLS in the same packet, CVE-2011-0411; on a
   * client, anything after the 220) and threw away unanswered; the stage reports it back with
   * {@link ConnIn.TlsEstablished} so that the session logs it with the TLS facts.
   */
  record StartTls(ByteString lastPlaintext, int discardedInput) implements ConnOut {
    public StartTls {
      Objects.requireNonNull(lastPlaintext, "lastPlaintext");
      if (discardedInput < 0) {
        throw new IllegalArgumentException("discardedInput " + discardedInput + " < 0");
      }
    }
  }
}

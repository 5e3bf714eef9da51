package relay.protocol.server;

import org.apache.pekko.util.ByteString;
import relay.protocol.tls.TlsInfo;

/**
 * How the {@link SmtpServerStage} reads and writes the elements of its connection: plain TCP
 * ({@link #PLAIN}, bytes both ways, nothing added to the path of a plain listener) or a
 * connection that can switch to TLS (elements tagged plain, secure or "TLS established", and a
 * switch element out).
 *
 * @param <I> what the stage reads
 * @param <O> what the stage writes
 */
public interface SmtpTransport<I, O> {

  /** Bytes of TCP both ways; no TLS. */
  SmtpTransport<ByteString, ByteString> PLAIN = new SmtpTransport<>() {
    @Override
    public ByteString bytes(ByteString in) {
      return in;
    }

    @Override
    public boolean plaintext(ByteString in) {
      return true;
    }

    @Override
    public TlsInfo established(ByteString in) {
      return null;
    }

    @Override
    public ByteString send(ByteString bytes) {
      return bytes;
    }

    @Override
    public ByteString startTls(ByteString lastPlaintext, int discardedInput) {
      throw new UnsupportedOperationException("STARTTLS on a plain connection");
    }
  };

  /** The client's bytes an element carries; empty for one that only reports. */
  ByteString bytes(I in);

  /** Whether the element's bytes came in clear (to drop once TLS was asked for). */
  boolean plaintext(I in);

  /** The TLS session when the element reports that the handshake completed, else null. */
  TlsInfo established(I in);

  /** Bytes for the client. */
  O send(ByteString bytes);

  /**
   * The switch to TLS: {@code lastPlaintext} (the 220 to STARTTLS) goes out in clear, every byte
   * after it both ways through TLS; {@code discardedInput} octets the client pipelined after
   * STARTTLS were dropped unanswered.
   */
  O startTls(ByteString lastPlaintext, int discardedInput);
}

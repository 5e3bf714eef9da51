package relay.protocol.tls;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** A {@link StartTlsStage} failed: the TLS handshake did not complete within its deadline. */
public final class TlsHandshakeTimeoutException extends TimeoutException {
  private static final long serialVersionUID = 1L;

  public TlsHandshakeTimeoutException(Duration timeout) {
    super("TLS handshake not completed within " + timeout);
  }
}

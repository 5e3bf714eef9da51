package relay.protocol.server;

import org.apache.pekko.util.ByteString;
import relay.protocol.tls.ConnIn;
import relay.protocol.tls.ConnOut;
import relay.protocol.tls.StartTlsStage;
import relay.protocol.tls.TlsInfo;

/**
 * The {@link SmtpTransport} of a listener with TLS: the elements of a {@link StartTlsStage}
 * (plaintext, "TLS established", decrypted bytes in; bytes and the switch out).
 */
final class TlsTransport implements SmtpTransport<ConnIn, ConnOut> {

  static final TlsTransport INSTANCE = new TlsTransport();

  private TlsTransport() {}

  @Override
  public ByteString bytes(ConnIn in) {
    if (in instanceof ConnIn.Secure secure) {
      return secure.bytes();
    }
    return in instanceof ConnIn.Plain plain ? plain.bytes() : ByteString.emptyByteString();
  }

  @Override
  public boolean plaintext(ConnIn in) {
    return in instanceof ConnIn.Plain;
  }

  @Override
  public TlsInfo established(ConnIn in) {
    return in instanceof ConnIn.TlsEstablished established ? established.tls() : null;
  }

  @Override
  public ConnOut send(ByteString bytes) {
    return new ConnOut.Bytes(bytes);
  }

  @Override
  public ConnOut startTls(ByteString lastPlaintext, int discardedInput) {
    return new ConnOut.StartTls(lastPlaintext, discardedInput);
  }
}

package relay.protocol.server;

import java.net.InetSocketAddress;

/** Why a connection was aborted: its client did not read a reply for write-timeout. */
final class ClientNotReading extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ClientNotReading(InetSocketAddress remote) {
    super("client " + remote + " did not read its replies within the write timeout", null,
        false, false);
  }
}

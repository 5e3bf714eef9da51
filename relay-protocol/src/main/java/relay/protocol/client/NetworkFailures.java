package relay.protocol.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import relay.protocol.reply.DeliveryReplies.NetworkFailure;

/**
 * The kind of a network error, from its type only: never its message, which may carry addresses,
 * paths or text from the peer, and which must not reach a reply or a DSN.
 */
final class NetworkFailures {

  private NetworkFailures() {}

  static NetworkFailure of(IOException e) {
    if (e instanceof SocketTimeoutException) {
      return NetworkFailure.TIMED_OUT;
    }
    if (e instanceof ConnectException) {
      return NetworkFailure.REFUSED;
    }
    if (e instanceof NoRouteToHostException) {
      return NetworkFailure.NO_ROUTE;
    }
    if (e instanceof UnknownHostException) {
      return NetworkFailure.UNKNOWN_HOST;
    }
    if (e instanceof EOFException) {
      return NetworkFailure.CLOSED;
    }
    if (e instanceof SocketException) {
      return NetworkFailure.RESET;
    }
    return NetworkFailure.OTHER;
  }
}

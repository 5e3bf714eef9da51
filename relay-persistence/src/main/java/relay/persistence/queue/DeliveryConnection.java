package relay.persistence.queue;

import java.io.InputStream;
import java.util.List;
import relay.protocol.client.Deadline;
import relay.protocol.client.TlsStatus;

/**
 * One open outbound SMTP connection, used by one worker thread at a time. Implemented by the node.
 */
public interface DeliveryConnection extends AutoCloseable {

  /** The host name (or address) of the server this connection talks to, for logs and DSNs. */
  String remoteHost();

  /**
   * Runs one mail transaction (MAIL, RCPT for each recipient, DATA with the body) and returns one
   * result per recipient of the request: 2xx delivered, 4xx deferred, 5xx bounced. A recipient
   * refused at RCPT gets that reply; recipients accepted at RCPT get the reply to the end of DATA.
   *
   * Every step ends by {@code deadline} (the attempt's).
   *
   * @throws DeliveryFailure the whole transaction failed (MAIL refused, connection lost, timeout):
   *     every recipient of the request gets its reply
   */
  List<RecipientResult> deliver(DeliveryRequest request, InputStream body, Deadline deadline)
      throws DeliveryFailure;

  /** RSET between two transactions on this connection (RFC 5321 §4.1.1.5), by {@code deadline}. */
  void reset(Deadline deadline) throws DeliveryFailure;

  /**
   * What protects the connection: TLS protocol, cipher and whether the certificate verified, or
   * {@link TlsStatus#NONE} in clear; recorded with each outcome in the event log and history.
   */
  default TlsStatus tls() {
    return TlsStatus.NONE;
  }

  /** Whether another transaction can be attempted (not closed, no 421 seen, no I/O error). */
  boolean isUsable();

  /** QUIT and close; never throws. */
  @Override
  void close();
}

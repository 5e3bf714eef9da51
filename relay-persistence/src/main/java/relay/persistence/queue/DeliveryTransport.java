package relay.persistence.queue;

import java.time.Duration;
import relay.protocol.client.Deadline;
import relay.protocol.client.TlsPolicy;

/**
 * Port to the outside world for delivery, implemented by the node (MX lookup, RFC 5321 §5.1, and
 * the SMTP client). Called from delivery workers on the blocking delivery dispatcher.
 */
public interface DeliveryTransport {

  /**
   * The longest one attempt may take: the worker starts a {@link Deadline} this long when it
   * takes a message, and the connect (if one is needed), every transaction and reset of that
   * message end by it.
   */
  Duration attemptTimeout();

  /**
   * Opens one SMTP connection (greeting and EHLO done) to a mail exchanger of the domain, trying
   * the MX hosts in preference order, by {@code deadline}, with at least the TLS the
   * destination's shaping asks for ({@code tls}; an MTA-STS policy may raise it): a destination
   * that cannot meet it is deferred (4.7.x), never sent to in clear.
   *
   * @throws DeliveryFailure transient (4xx: no MX answer, all hosts down, timeout) to defer the
   *     message, or permanent (5xx: null MX 556 5.1.10 per RFC 7505, NXDOMAIN 550 5.1.2, no usable
   *     address 554 5.4.4, a loop back to this relay 554 5.4.6) to bounce every recipient
   */
  DeliveryConnection connect(String domain, TlsPolicy tls, Deadline deadline) throws DeliveryFailure;
}

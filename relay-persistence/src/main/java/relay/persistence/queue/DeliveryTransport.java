package relay.persistence.queue;

/**
 * Port to the outside world for delivery, implemented by the node (MX lookup, RFC 5321 §5.1, and
 * the SMTP client). Called from delivery workers on the blocking delivery dispatcher.
 */
public interface DeliveryTransport {

  /**
   * Opens one SMTP connection (greeting and EHLO done) to a mail exchanger of the domain, trying
   * the MX hosts in preference order.
   *
   * @throws DeliveryFailure transient (4xx: no MX answer, all hosts down, timeout) to defer the
   *     message, or permanent (5xx: null MX 556 5.1.10 per RFC 7505, NXDOMAIN 550 5.1.2) to bounce
   *     every recipient
   */
  DeliveryConnection connect(String domain) throws DeliveryFailure;
}

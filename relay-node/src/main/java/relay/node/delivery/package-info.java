/**
 * The delivery ports the queues call, implemented over the network: {@code SmtpDeliveryTransport}
 * finds a destination's mail exchangers (static route or smarthost first, then MX records in
 * preference order with the implicit MX and null MX of RFC 5321 5.1 and RFC 7505) and opens an
 * outbound SMTP connection to the first that answers; {@code DsnSubmitter} builds an RFC 3464
 * report from the original's headers and sends it to the envelope sender through the relay's own
 * queue with the null reverse-path. DNS answers that say a domain takes no mail become permanent
 * failures (bounce); unreachable hosts and DNS timeouts are transient (defer).
 */
package relay.node.delivery;

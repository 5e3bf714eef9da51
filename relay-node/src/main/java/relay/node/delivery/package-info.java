/**
 * The delivery ports the queues call, implemented over the network: {@code SmtpDeliveryTransport}
 * finds a destination's mail exchangers (static route or smarthost first, then MX records in
 * preference order with the implicit MX and null MX of RFC 5321 5.1 and RFC 7505) and opens an
 * outbound SMTP connection to the first that answers; {@code DsnSubmitter} builds an RFC 3464
 * report from the original's headers and sends it to the envelope sender through the relay's own
 * queue with the null reverse-path. DNS answers that say a domain takes no mail become permanent
 * failures (bounce); unreachable hosts and DNS timeouts are transient (defer).
 *
 * <p>Hostile destinations: an attempt tries at most {@code relay.delivery.max-addresses-per-attempt}
 * addresses and ends by its deadline; {@code DestinationHealth} lets one connection at a time
 * open to a destination that stopped answering. Destinations that point home ({@code
 * DestinationPolicy}: loopback, unspecified, link-local, multicast, reserved and own addresses,
 * unless in {@code relay.delivery.allowed-networks}) are never connected to (554 5.4.4 when
 * nothing else is left); an MX at the relay's own listener, or a server greeting with its name,
 * is a loop (554 5.4.6). Settings: {@code relay.delivery} in this module's reference.conf.
 *
 * <p>Outbound TLS: connections say STARTTLS when offered (RFC 3207, opportunistic per RFC 7435
 * unless the destination's shaping {@code tls} is required or verify) and report what protected
 * them; {@code MtaStsPolicies} finds, fetches and caches MTA-STS policies (RFC 8461) and the
 * transport applies them (enforce: matching MX hosts only, verified TLS; testing: logged). A
 * destination that cannot meet its TLS policy is deferred with 451 4.7.4/4.7.5, never sent to in
 * clear ({@code relay.smtp.client.tls}, {@code relay.delivery.mta-sts}).
 */
package relay.node.delivery;

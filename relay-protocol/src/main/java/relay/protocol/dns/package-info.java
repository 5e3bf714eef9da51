/**
 * Destination lookup for outbound delivery: a domain to the ordered list of hosts to try.
 *
 * <p>Implements RFC 5321 5.1 (MX preference order, random order among equal preferences, implicit
 * MX from the domain's own A/AAAA records) and RFC 7505 (null MX). Queries go through dnsjava to
 * the configured recursive resolvers ({@code relay.dns}), never through the JVM's resolver.
 *
 * <p>Bad input and bad answers never throw: a name that is not a valid DNS name is
 * {@code NoSuchDomain}; NXDOMAIN is {@code NoSuchDomain}; a timeout, SERVFAIL or any other error
 * is {@code TemporaryFailure}; records of unexpected types in an answer are ignored. Each failure
 * carries the SMTP reply the caller gives the recipients (5.1.10, 5.1.2 or 4.4.3).
 */
package relay.protocol.dns;

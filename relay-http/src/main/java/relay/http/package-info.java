/**
 * The relay's HTTP interface (Pekko HTTP): the health endpoints that load balancers and
 * orchestrators probe, and the operator API under {@code /api/v1} ({@link relay.http.api}, with
 * its bearer tokens in {@link relay.http.auth}). Every error is an RFC 9457 problem+json body;
 * a refused request changes nothing.
 */
package relay.http;

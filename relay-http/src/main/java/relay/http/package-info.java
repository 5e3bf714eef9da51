/**
 * The relay's HTTP interface (Pekko HTTP): the health endpoints that load balancers and
 * orchestrators probe, the operator API under {@code /api/v1} ({@link relay.http.api}, with
 * its bearer tokens in {@link relay.http.auth}) and the Prometheus metrics at {@code /metrics}
 * ({@link relay.http.metrics}). Every error is an RFC 9457 problem+json body;
 * a refused request changes nothing.
 */
package relay.http;

/**
 * MTA-STS (RFC 8461) on the sending side, without state: the {@code _mta-sts} TXT record
 * ({@code StsRecord}: v=STSv1 and its id, 3.1), the policy text ({@code StsPolicy}: version, mode
 * enforce|testing|none, mx patterns with a leftmost wildcard, max_age capped at one year, 3.2,
 * and how an MX host name matches, 4.1) and the HTTPS fetch of the policy ({@code
 * StsPolicyFetcher}: certificate verified for mta-sts.&lt;domain&gt;, no redirects, a size cap and
 * timeouts, 3.3). Caching and applying policies to deliveries is the node's (relay.node.delivery).
 *
 * <p>Bad input never escapes as anything but a typed refusal: an invalid record is no record, an
 * invalid policy is {@code InvalidPolicyException}, a failed fetch {@code FetchFailed}, each with
 * fixed words (no server text) for the logs.
 */
package relay.protocol.sts;

/**
 * Bearer tokens of the operator API: roles admin, viewer and client (bound to one client), a
 * {@link relay.http.auth.TokenStore} that keeps only SHA-256 hashes and compares in constant
 * time, the bootstrap admin token ({@link relay.http.auth.AdminToken}, configuration or its
 * file) and the tokens created over the API ({@code POST /api/v1/tokens}), kept in the registry
 * as SHA-256 hashes and read from this node's replicated view ({@link
 * relay.http.auth.RegistryTokenStore}). Tokens are never logged.
 */
package relay.http.auth;

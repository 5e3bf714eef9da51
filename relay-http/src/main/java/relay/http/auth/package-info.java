/**
 * Bearer tokens of the operator API: roles admin, viewer and client (bound to one client), a
 * {@link relay.http.auth.TokenStore} that keeps only SHA-256 hashes and compares in constant
 * time, and the bootstrap admin token ({@link relay.http.auth.AdminToken}). Tokens are never
 * logged. XXX: only the bootstrap admin token is persisted (configuration or its file); creating
 * further tokens over the API is still to come.
 */
package relay.http.auth;

/**
 * The operator API under {@code /api/v1} (issue 11): clients, blocks and the audit log over the
 * registry's {@link relay.persistence.registry.RegistryService}, JSON with one strict Jackson
 * mapper ({@link relay.http.api.ApiJson}). Error behaviour: every error is an RFC 9457
 * {@code application/problem+json} body with a clear {@code detail} ({@link
 * relay.http.api.ApiErrors}): 400 malformed JSON, unknown field or wrong type, 401 no or bad
 * bearer token (RFC 6750), 403 wrong role, 404 unknown route or id, 405 wrong method (with
 * Allow), 409 conflict, 413 body too large, 415 media type, 422 a value refused, 503 registry
 * not answering. A refused request changes nothing: role, body and values are checked before
 * the registry is asked. PATCH is a JSON merge patch (RFC 7396).
 */
package relay.http.api;

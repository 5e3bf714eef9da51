/**
 * The operator API under {@code /api/v1} (issue 11): clients, blocks and the audit log over the
 * registry's {@link relay.persistence.registry.RegistryService}, clients' bulk notices over
 * {@link relay.persistence.quota.BulkNoticeService} ({@link relay.http.api.BulkNoticeRoutes}),
 * clients' SMTP AUTH credentials ({@link relay.http.api.CredentialRoutes}: the password made and
 * hashed here off the request thread, shown once), JSON with one strict Jackson
 * mapper ({@link relay.http.api.ApiJson}). Error behaviour: every error is an RFC 9457
 * {@code application/problem+json} body with a clear {@code detail} ({@link
 * relay.http.api.ApiErrors}): 400 malformed JSON, unknown field or wrong type, 401 no or bad
 * bearer token (RFC 6750), 403 wrong role, 404 unknown route or id, 405 wrong method (with
 * Allow), 409 conflict, 413 body too large, 415 media type, 422 a value refused, 503 registry
 * not answering or password hashing saturated. A refused request changes nothing: role, body and values are checked before
 * the registry is asked. PATCH is a JSON merge patch (RFC 7396).
 *
 * <p>How a route gets into the API: a class implementing {@link relay.http.api.ApiResource}
 * returns its {@link relay.http.api.Endpoint}s, each declared once with method, full path
 * template ({@code /api/v1/queues/{domain}/suspend}), {@link relay.http.api.Access} (admin,
 * read, ownClient("id"), adminOrOwnClient("id"), clientScoped), summary, handler ({@code Call -> Route}: the principal
 * and the path parameters) and, for the document, success status, query parameters, body and
 * the extra error statuses. {@link relay.http.api.ApiRoutes} builds the routes and the OpenAPI
 * document ({@code GET /api/openapi.json}, no token needed) from that one list; add a resource
 * in ApiRoutes' constructor list (registry-backed) or with {@code ApiRoutes.with(...)} (other
 * backends: RelayNode, and ApiFixture.api in the tests so OpenApiTest and EndpointAccessTest
 * cover it). A route served beside the API ({@code GET /metrics}, relay.http.metrics) is
 * described by an Endpoint with a one-segment path given to {@code ApiRoutes.documenting(...)}:
 * it is in the document and in {@code endpoints()}, and the tests probe it through the route
 * that serves it (ApiFixture concatenates that route).
 */
package relay.http.api;

package relay.http.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import relay.http.auth.Principal;
import relay.persistence.auth.Passwords;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.RegistryService;

/**
 * SMTP AUTH credentials of a client (RFC 4954; a session that authenticates with one is that
 * client):
 * <ul>
 *   <li>{@code POST /api/v1/clients/{id}/credentials} (admin; body {@code {"username"?,
 *       "note"?, "expires"?}}, may be empty): the relay generates the password, hashes it with
 *       Argon2id off the request's thread ({@link Passwords}) and answers 201 with it: the only
 *       time it is shown. 409 when the username is taken (ignoring case), 422 for a bad value,
 *       404 for an unknown client, 503 when hashing is saturated. Audited (credential-added);
 *   <li>{@code GET /api/v1/clients/{id}/credentials} (admin, viewer, the client's own token):
 *       {@code {"credentials":[...]}}, never a hash or a password;
 *   <li>{@code DELETE /api/v1/clients/{id}/credentials/{credentialId}} (admin): 204; the
 *       credential stops working on every node within about a second (sessions already
 *       authenticated keep going). Audited (credential-removed).
 * </ul>
 */
public final class CredentialRoutes extends AllDirectives implements ApiResource {

  private final RegistryService registry;
  private final Passwords passwords;

  public CredentialRoutes(RegistryService registry, Passwords passwords) {
    this.registry = registry;
    this.passwords = passwords;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.post("/api/v1/clients/{id}/credentials", Access.admin(),
                "Add an SMTP AUTH credential; its password is in this answer only",
                c -> ClientRoutes.withId(c.param("id"), id -> extractRequestEntity(entity ->
                    entity.isKnownEmpty() ? create(id, CredentialBody.EMPTY, c.principal())
                        : entity(ApiJson.body(CredentialBody.class),
                            body -> create(id, body, c.principal())))))
            .status(201).errors(404, 409, 422)
            .body("{username?: 1-64 printable ASCII characters, no space, unique ignoring case"
                + " (default: made from the client id), note?, expires?: an instant}; may be"
                + " empty"),
        Endpoint.get("/api/v1/clients/{id}/credentials", Access.ownClient("id"),
            "List a client's SMTP AUTH credentials (no password, no hash)",
            c -> ClientRoutes.withId(c.param("id"), id -> onSuccess(registry.credentials(id),
                r -> Results.of(r, list -> complete(StatusCodes.OK, Map.of("credentials",
                    list.stream().map(CredentialJson::of).toList()), ApiJson.marshaller())))))
            .errors(404),
        Endpoint.delete("/api/v1/clients/{id}/credentials/{credentialId}", Access.admin(),
            "Remove an SMTP AUTH credential",
            c -> ClientRoutes.withId(c.param("id"), id -> onSuccess(registry.removeCredential(id,
                c.param("credentialId"), c.principal().name()),
                r -> Results.of(r, x -> complete(StatusCodes.NO_CONTENT)))))
            .errors(404));
  }

  private Route create(ClientId id, CredentialBody body, Principal p) {
    String password = passwords.generate();
    return onSuccess(passwords.hash(password).thenCompose(hash -> registry.addCredential(id,
            Optional.ofNullable(body.username()), Optional.ofNullable(body.note()),
            Optional.ofNullable(body.expires()), hash, p.name())),
        r -> Results.of(r, k -> complete(StatusCodes.CREATED,
            CredentialJson.of(k).withPassword(password), ApiJson.marshaller())));
  }
}

package relay.http.api;

import java.time.Instant;
import java.util.Optional;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.Credential;

/**
 * A credential as the API shows it: never its hash; {@code password} only in the answer to its
 * creation (the relay keeps only its Argon2id hash and cannot show it again).
 */
record CredentialJson(String id, ClientId client, String username, Optional<String> note,
    Optional<Instant> expires, String createdBy, Instant createdAt, Optional<String> password) {

  static CredentialJson of(Credential c) {
    return new CredentialJson(c.id(), c.client(), c.username(), c.note(), c.expires(),
        c.createdBy(), c.createdAt(), Optional.empty());
  }

  CredentialJson withPassword(String password) {
    return new CredentialJson(id, client, username, note, expires, createdBy, createdAt,
        Optional.of(password));
  }

  /** Never the password. */
  @Override
  public String toString() {
    return "CredentialJson(" + id + ", " + client + ", " + username + ")";
  }
}

package relay.node.smtp;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import relay.persistence.auth.Passwords;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.Credential;
import relay.persistence.registry.RegistrySnapshot;
import relay.persistence.registry.RegistryView;

/**
 * Whose credentials are these? The username is looked up in this node's registry view (ignoring
 * case, no network round trip) and the password verified against the credential's Argon2id hash
 * on the node's password threads ({@link Passwords}), never on the caller's. The answer is the
 * client, or empty for every kind of wrong: an unknown username (a dummy verification runs, so
 * it costs the same time as a wrong password), a wrong password, an expired credential, a PLAIN
 * authorization identity other than the username (RFC 4616 2: the relay lets no one act as
 * another), a credential removed while it was verified. A stage failed with {@link
 * java.util.concurrent.RejectedExecutionException} means the verifications are saturated (the
 * session answers 454 4.7.0). The password is never logged nor kept; a login that verified
 * lately is answered from {@link RecentLogins} without Argon2id (wrong ones never are).
 */
public final class CredentialCheck {

  private final RegistryView view;
  private final Passwords passwords;
  private final Clock clock;
  private final RecentLogins recent;

  /** Every login verified in full. */
  public CredentialCheck(RegistryView view, Passwords passwords, Clock clock) {
    this(view, passwords, clock, RecentLogins.none());
  }

  public CredentialCheck(RegistryView view, Passwords passwords, Clock clock,
      RecentLogins recent) {
    this.view = view;
    this.passwords = passwords;
    this.clock = clock;
    this.recent = recent;
  }

  /** The client these credentials belong to, or empty when they are not valid now. */
  public CompletionStage<Optional<ClientRecord>> verify(String authorizationId,
      String username, String password) {
    Optional<Credential> found = view.current().credentialByUsername(username);
    if (found.isEmpty()) {
      return passwords.verifyUnknown(password).thenApply(ignored -> Optional.empty());
    }
    Credential credential = found.get();
    if (recent.verified(credential, password)) {
      return CompletableFuture.completedFuture(
          clientOf(authorizationId, username, credential));
    }
    return passwords.verify(password, credential.hash()).thenApply(right -> {
      if (!right) {
        return Optional.empty();
      }
      recent.remember(credential, password);
      return clientOf(authorizationId, username, credential);
    });
  }

  /** The client of {@code credential}, whose password is right, if it may log in now. */
  private Optional<ClientRecord> clientOf(String authorizationId, String username,
      Credential credential) {
    boolean actsAsItself = authorizationId == null || authorizationId.isEmpty()
        || Credential.key(authorizationId).equals(credential.usernameKey());
    if (!actsAsItself || !credential.activeAt(clock.instant())) {
      return Optional.empty();
    }
    RegistrySnapshot now = view.current(); // removed while it was verified: no longer valid
    return now.credentialByUsername(username).filter(c -> c.id().equals(credential.id()))
        .flatMap(c -> now.client(c.client()));
  }
}

package relay.node.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import relay.persistence.auth.Argon2Settings;
import relay.persistence.auth.PasswordHasher;
import relay.persistence.auth.Passwords;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.ClientLimits;
import relay.persistence.registry.ClientOrigin;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.ClientState;
import relay.persistence.registry.Credential;
import relay.persistence.registry.RegistrySnapshot;

/**
 * Whose credentials: the username found ignoring case, the password verified on the password
 * threads; every kind of wrong (unknown user, wrong password, expired, another authorization
 * identity) is empty; a saturated hasher fails the stage (the session's 454).
 */
class CredentialCheckTest {

  static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  static final PasswordHasher HASHER = new PasswordHasher(new Argon2Settings(64, 1, 1));
  static final Passwords PASSWORDS = new Passwords(HASHER, 2, 16);

  static final ClientRecord SHOP = new ClientRecord(new ClientId("shop"), "Shop",
      List.of("ops@shop.example"), List.of(), List.of("shop.example"), ClientLimits.DEFAULTS,
      ClientState.ACTIVE, Optional.empty(), ClientOrigin.API);

  static Credential credential(String id, String username, String password,
      Optional<Instant> expires) {
    return new Credential(id, SHOP.id(), username, HASHER.hash(password), Optional.empty(),
        expires, "admin", NOW.minusSeconds(60));
  }

  static final RegistrySnapshot REGISTRY = new RegistrySnapshot(List.of(SHOP), List.of(),
      List.of(), List.of(credential("c1", "Shop-Web", "right-password", Optional.empty()),
          credential("c2", "old", "right-password", Optional.of(NOW))));

  final CredentialCheck check = new CredentialCheck(() -> REGISTRY, PASSWORDS,
      Clock.fixed(NOW, ZoneOffset.UTC));

  @AfterAll
  static void stop() {
    PASSWORDS.close();
  }

  private Optional<ClientRecord> verify(String authzid, String user, String password)
      throws Exception {
    return check.verify(authzid, user, password).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theRightPasswordIsItsClientWhateverTheUsernamesCase() throws Exception {
    assertEquals(Optional.of(SHOP), verify("", "Shop-Web", "right-password"));
    assertEquals(Optional.of(SHOP), verify("", "SHOP-WEB", "right-password"));
    assertEquals(Optional.of(SHOP), verify("shop-web", "shop-web", "right-password"));
    assertEquals(Optional.of(SHOP), verify(null, "shop-web", "right-password"));
  }

  @Test
  void everyKindOfWrongIsEmpty() throws Exception {
    assertEquals(Optional.empty(), verify("", "Shop-Web", "wrong-password"));
    assertEquals(Optional.empty(), verify("", "Shop-Web", "Right-password"));
    assertEquals(Optional.empty(), verify("", "Shop-Web", ""));
    assertEquals(Optional.empty(), verify("", "nobody", "right-password"));
    assertEquals(Optional.empty(), verify("", "", "right-password"));
    assertEquals(Optional.empty(), verify("", "old", "right-password"), "expired");
    assertEquals(Optional.empty(), verify("admin", "Shop-Web", "right-password"),
        "acting as another");
  }

  @Test
  void aSaturatedHasherFailsTheStage() throws Exception {
    try (Passwords slow = new Passwords(new PasswordHasher(new Argon2Settings(65536, 8, 1)), 1,
        1)) {
      CredentialCheck busy = new CredentialCheck(() -> REGISTRY, slow,
          Clock.fixed(NOW, ZoneOffset.UTC));
      CompletableFuture<Optional<ClientRecord>> first = busy.verify("", "x", "y")
          .toCompletableFuture();
      CompletableFuture<Optional<ClientRecord>> second = busy.verify("", "x", "y")
          .toCompletableFuture();
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> busy.verify("", "Shop-Web", "right-password").toCompletableFuture()
              .get(1, TimeUnit.SECONDS));
      assertInstanceOf(RejectedExecutionException.class, e.getCause());
      assertEquals(Optional.empty(), second.get(30, TimeUnit.SECONDS));
      assertEquals(Optional.empty(), first.get(30, TimeUnit.SECONDS));
    }
  }
}

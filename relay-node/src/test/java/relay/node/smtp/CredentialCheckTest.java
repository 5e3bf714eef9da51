package relay.node.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 * identity) is empty; a saturated hasher fails the stage (the session's 454). A login verified
 * lately is answered without the hasher, a wrong one never is, a removed credential not at all.
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

  @Test
  void aLoginVerifiedLatelyIsAnsweredWithoutTheHasher() throws Exception {
    AtomicReference<RegistrySnapshot> view = new AtomicReference<>(REGISTRY);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    try (Passwords slow = new Passwords(new PasswordHasher(new Argon2Settings(65536, 8, 1)), 1,
        1)) {
      RecentLogins recent = new RecentLogins(Duration.ofMinutes(10), 100, clock);
      assertEquals(Optional.of(SHOP), new CredentialCheck(view::get, PASSWORDS, clock, recent)
          .verify("", "Shop-Web", "right-password").toCompletableFuture()
          .get(30, TimeUnit.SECONDS), "verified in full, remembered");
      // slow's one thread busy and the one place in its queue taken: any hashing is refused
      CredentialCheck check = new CredentialCheck(view::get, slow, clock, recent);
      CompletableFuture<Optional<ClientRecord>> first = check.verify("", "x", "y")
          .toCompletableFuture();
      CompletableFuture<Optional<ClientRecord>> second = check.verify("", "x", "y")
          .toCompletableFuture();
      assertEquals(Optional.of(SHOP), check.verify("", "shop-web", "right-password")
          .toCompletableFuture().get(1, TimeUnit.SECONDS), "no hashing: answered at once");
      assertEquals(Optional.empty(), check.verify("admin", "shop-web", "right-password")
          .toCompletableFuture().get(1, TimeUnit.SECONDS), "still not as another");
      ExecutionException wrong = assertThrows(ExecutionException.class,
          () -> check.verify("", "Shop-Web", "wrong-password").toCompletableFuture()
              .get(1, TimeUnit.SECONDS));
      assertInstanceOf(RejectedExecutionException.class, wrong.getCause(),
          "a wrong password needs the hasher");
      view.set(new RegistrySnapshot(List.of(SHOP), List.of(), List.of(), List.of()));
      ExecutionException removed = assertThrows(ExecutionException.class,
          () -> check.verify("", "Shop-Web", "right-password").toCompletableFuture()
              .get(1, TimeUnit.SECONDS));
      assertInstanceOf(RejectedExecutionException.class, removed.getCause(),
          "a removed credential is an unknown user, verified against the dummy");
      assertEquals(Optional.empty(), second.get(60, TimeUnit.SECONDS));
      assertEquals(Optional.empty(), first.get(60, TimeUnit.SECONDS));
    }
  }
}

package relay.persistence.lockout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import relay.persistence.OneNodeCluster;
import relay.persistence.registry.AuditEntry;
import relay.persistence.registry.Block;
import relay.persistence.registry.Registry;
import relay.persistence.registry.RegistryResult;
import relay.protocol.server.Admission;
import relay.protocol.server.AuthOutcome;
import relay.protocol.server.ClientIdentity;
import relay.protocol.server.SessionSlot;

/**
 * The lockout as a node runs it, on a one-node cluster with the real registry (singletons, the
 * replicated view) and the in-memory journal: AUTH checks under {@link LoginFailures#guard} count
 * their invalid credentials; the third locks the address out as a block the registry lists and
 * audits (actor lockout); a locked-out address is answered LockedOut without its check running;
 * other addresses and good credentials are untouched; an operator's removal lifts the lockout.
 */
class LoginLockoutTest {

  static final String ATTACKER = "192.0.2.50";
  static final String NEIGHBOUR = "192.0.2.51";
  static ActorTestKit testKit;
  static Registry registry;
  static LoginLockout lockout;

  @BeforeAll
  static void start() {
    testKit = OneNodeCluster.create();
    registry = Registry.start(testKit.system(), List.of());
    lockout = LoginLockout.start(testKit.system(), new LockoutSettings(3, Duration.ofMinutes(30),
        Duration.ofMinutes(30), 100, 10, Duration.ofMillis(500), Duration.ofSeconds(5)),
        Clock.systemUTC(), registry.service(), registry.view());
    OneNodeCluster.join(testKit);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  final AtomicInteger checks = new AtomicInteger();

  /** An AUTH check of {@code ip} whose credentials are {@code outcome}; counts its runs. */
  private AuthOutcome login(String ip, AuthOutcome outcome) throws Exception {
    CompletionStage<AuthOutcome> result = lockout.guard(ip, () -> {
      checks.incrementAndGet();
      return CompletableFuture.completedFuture(outcome);
    });
    return result.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T ok(CompletionStage<RegistryResult<T>> stage) throws Exception {
    return ((RegistryResult.Ok<T>) stage.toCompletableFuture().get(10, TimeUnit.SECONDS))
        .value();
  }

  @Test
  void theThirdInvalidLoginLocksTheAddressOutUntilAnOperatorLiftsIt() throws Exception {
    AuthOutcome invalid = new AuthOutcome.InvalidCredentials();
    AuthOutcome good = new AuthOutcome.Authenticated(new Admission.Admitted(
        ClientIdentity.registered(ATTACKER, "app"), SessionSlot.NONE));
    assertEquals(invalid, login(ATTACKER, invalid));
    assertEquals(good, login(ATTACKER, good), "a good login passes and resets nothing");
    assertEquals(invalid, login(ATTACKER, invalid));
    Instant before = Instant.now();
    AuthOutcome third = login(ATTACKER, invalid);
    Instant until = assertInstanceOf(AuthOutcome.LockedOut.class, third).until();
    // 30 minutes after the third failure, rounded up to the next whole second (the 421 names
    // whole seconds and must not end the lockout early)
    assertEquals(0, until.getNano(), until.toString());
    assertTrue(!until.isBefore(before.plus(Duration.ofMinutes(30)))
        && !until.isAfter(Instant.now().plus(Duration.ofMinutes(30)).plusSeconds(1)),
        until.toString());

    long deadline = System.nanoTime() + 5_000_000_000L;
    while (lockout.lockedUntil(ATTACKER).isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the lockout never reached this node's view");
      Thread.sleep(10);
    }
    assertEquals(Optional.of(until), lockout.lockedUntil(ATTACKER));
    List<Block> blocks = ok(registry.service().blocks());
    assertEquals(1, blocks.size(), blocks.toString());
    Block block = blocks.get(0);
    assertEquals(List.of(ATTACKER, "3 failed logins", "lockout", Optional.of(until)),
        List.of(block.value(), block.reason(), block.createdBy(), block.until()));
    AuditEntry added = ok(registry.service().audit(1)).get(0);
    assertEquals(List.of("lockout", "block-added", block.id()),
        List.of(added.actor(), added.action(), added.subject()));

    int ran = checks.get();
    assertEquals(new AuthOutcome.LockedOut(until), login(ATTACKER, good),
        "even the right password is not looked at");
    assertEquals(ran, checks.get(), "no check ran for a locked-out address");
    assertEquals(invalid, login(NEIGHBOUR, invalid), "other addresses unaffected");
    assertEquals(Optional.empty(), lockout.lockedUntil(NEIGHBOUR));

    ok(registry.service().removeBlock(block.id(), "ops"));
    assertEquals(Optional.empty(), lockout.lockedUntil(ATTACKER));
    assertEquals(invalid, login(ATTACKER, invalid), "counted afresh: 1 of 3");
    assertEquals(invalid, login(ATTACKER, invalid), "2 of 3");
    assertInstanceOf(AuthOutcome.LockedOut.class, login(ATTACKER, invalid));
  }
}

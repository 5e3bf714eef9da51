package relay.persistence.lockout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import relay.persistence.MovableClock;
import relay.persistence.lockout.LoginFailureEntity.Command;
import relay.persistence.lockout.LoginFailureEntity.Counted;
import relay.persistence.lockout.LoginFailureEntity.Event;
import relay.persistence.lockout.LoginFailureEntity.FailureCounted;
import relay.persistence.lockout.LoginFailureEntity.LockedOut;
import relay.persistence.lockout.LoginFailureEntity.Lockout;
import relay.persistence.lockout.LoginFailureEntity.LockoutLifted;
import relay.persistence.lockout.LoginFailureEntity.State;
import relay.persistence.registry.Block;
import relay.persistence.registry.BlockKind;

/**
 * The failure counter on the in-memory journal (commands, events and state through the
 * serializer), against a registry that makes blocks at once, is down, or loses its answer:
 * three failures within the window lock out, the window slides, a lockout answers its end and
 * counts nothing, ends by itself or when its block is removed, is asked of the registry until it
 * takes it (never made twice), the caps, and a replay rebuilding the same state.
 */
class LoginFailureEntityTest {

  static final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
      .withFallback(ConfigFactory.load()));
  static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
  static final LockoutSettings SETTINGS = new LockoutSettings(3, Duration.ofMinutes(30),
      Duration.ofMinutes(30), 4, 2, Duration.ofMillis(200), Duration.ofSeconds(3));
  static final String A = "192.0.2.5";
  static final String B = "192.0.2.6";

  final MovableClock clock = new MovableClock(T0);
  final FakeRegistry registry = new FakeRegistry(clock);
  EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void start() {
    PersistenceTestKit.create(testKit.system()).clearAll();
    SnapshotTestKit.create(testKit.system()).clearAll();
    kit = EventSourcedBehaviorTestKit.create(testKit.system(),
        LoginFailureEntity.create(SETTINGS, clock, registry.service, registry.view));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, Counted>
      fail(String ip, Duration after) {
    clock.now = T0.plus(after);
    return kit.runCommand(replyTo -> new LoginFailureEntity.RecordFailure(ip, replyTo));
  }

  private Optional<Instant> failed(String ip, Duration after) {
    return fail(ip, after).reply().lockedUntil();
  }

  private static void eventually(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what);
      Thread.sleep(20);
    }
  }

  /** Waits until the lockout of {@code ip} holds a block id; returns it. */
  private String blocked(String ip) throws Exception {
    eventually("the lockout of " + ip + " is taken by the registry", () -> {
      Lockout l = kit.getState().lockouts().get(ip);
      return l != null && !l.blockId().isEmpty();
    });
    return kit.getState().lockouts().get(ip).blockId();
  }

  @Test
  void theThirdFailureWithinTheWindowLocksTheAddressOutAsABlock() throws Exception {
    assertEquals(Optional.empty(), failed(A, Duration.ZERO));
    assertEquals(Optional.empty(), failed(A, Duration.ofMinutes(10)));
    assertEquals(Optional.empty(), failed(B, Duration.ofMinutes(15)), "another address");
    var third = fail(A, Duration.ofMinutes(20));
    Instant until = T0.plus(Duration.ofMinutes(50));
    assertEquals(Optional.of(until), third.reply().lockedUntil());
    assertEquals(new LockedOut(A, T0.plus(Duration.ofMinutes(20)), until, 3),
        third.events().get(0), "then LockoutBlocked, as this registry answers at once");

    assertEquals("b1", blocked(A));
    Block block = registry.blocks.get(0);
    assertEquals(List.of(BlockKind.IP, A, "3 failed logins", Optional.of(until), "lockout"),
        List.of(block.kind(), block.value(), block.reason(), block.until(), block.createdBy()));
    assertTrue(Lockouts.isLockout(block));
    assertEquals(Optional.of(block), Lockouts.active(registry.view.current(), A, clock.now));
    assertEquals(Optional.empty(), Lockouts.operatorBlock(registry.view.current(), A, clock.now));
    State state = kit.getState();
    assertEquals(List.of(T0.plus(Duration.ofMinutes(15))), state.failures().get(B), "B counted");
    assertEquals(null, state.failures().get(A), "A's count went into its lockout");
    assertEquals(1, registry.asks.get());
  }

  @Test
  void theWindowSlides() {
    failed(A, Duration.ZERO);
    failed(A, Duration.ofMinutes(20));
    var third = fail(A, Duration.ofMinutes(31));
    assertEquals(Optional.empty(), third.reply().lockedUntil(), "the first is 31 min old");
    assertEquals(List.of(new FailureCounted(A, T0.plus(Duration.ofMinutes(31)))),
        third.events());
    assertEquals(List.of(T0.plus(Duration.ofMinutes(20)), T0.plus(Duration.ofMinutes(31))),
        kit.getState().failures().get(A), "the old one dropped");
    assertEquals(Optional.of(T0.plus(Duration.ofMinutes(75))), failed(A, Duration.ofMinutes(45)));
  }

  @Test
  void failuresFromALockedOutAddressAnswerTheEndAndCountNothingUntilItEnds() throws Exception {
    Instant until = lockOut(A, Duration.ZERO);
    blocked(A);
    var again = fail(A, Duration.ofMinutes(29));
    assertEquals(Optional.of(until), again.reply().lockedUntil());
    assertEquals(List.of(), again.events());

    var after = fail(A, Duration.ofMinutes(32));
    assertEquals(Optional.empty(), after.reply().lockedUntil(), "ended at " + until);
    assertEquals(List.of(new FailureCounted(A, T0.plus(Duration.ofMinutes(32)))), after.events());
    assertEquals(List.of(), List.copyOf(kit.getState().lockouts().keySet()), "ended: dropped");
    assertEquals(1, registry.blocks.size());
  }

  /** Three failures from {@code ip} a second apart from {@code from}; the lockout's end. */
  private Instant lockOut(String ip, Duration from) {
    failed(ip, from);
    failed(ip, from.plusSeconds(1));
    Optional<Instant> until = failed(ip, from.plusSeconds(2));
    assertTrue(until.isPresent(), ip + " locked out");
    return until.get();
  }

  @Test
  void aLockoutWhoseBlockAnOperatorRemovedIsLiftedAndCountingStartsAgain() throws Exception {
    lockOut(A, Duration.ZERO);
    registry.remove(blocked(A));
    var first = fail(A, Duration.ofMinutes(5));
    assertEquals(Optional.empty(), first.reply().lockedUntil());
    assertEquals(List.of(new LockoutLifted(A, T0.plus(Duration.ofMinutes(5))),
        new FailureCounted(A, T0.plus(Duration.ofMinutes(5)))), first.events());
    assertEquals(Optional.empty(), failed(A, Duration.ofMinutes(6)));
    assertEquals(Optional.of(T0.plus(Duration.ofMinutes(37))), failed(A, Duration.ofMinutes(7)));
    assertEquals("b2", blocked(A));
  }

  @Test
  void aRegistryThatIsDownIsAskedAgainUntilItTakesTheLockout() throws Exception {
    registry.mode = FakeRegistry.Mode.DOWN;
    Instant until = lockOut(A, Duration.ZERO);
    eventually("asked again", () -> registry.asks.get() >= 3);
    assertEquals(Optional.of(until), failed(A, Duration.ofSeconds(10)),
        "pending: locked out all the same");
    assertTrue(kit.getState().lockouts().get(A).blockId().isEmpty());
    registry.mode = FakeRegistry.Mode.UP;
    assertEquals("b1", blocked(A));
    assertEquals(1, registry.blocks.size());
  }

  @Test
  void aBlockMadeDespiteALostAnswerIsTakenFromTheViewNotMadeTwice() throws Exception {
    registry.mode = FakeRegistry.Mode.ANSWER_LOST;
    lockOut(A, Duration.ZERO);
    assertEquals("b1", blocked(A));
    assertEquals(1, registry.blocks.size());
    assertEquals(1, registry.asks.get());
  }

  @Test
  void atMostMaxAddressesAreCountedTheOldestForgotten() {
    for (int i = 1; i <= 5; i++) {
      failed("198.51.100." + i, Duration.ofMinutes(i));
    }
    assertEquals(List.of("198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5"),
        List.copyOf(kit.getState().failures().keySet()));
    failed("198.51.100.1", Duration.ofMinutes(6));
    assertEquals(Optional.empty(), failed("198.51.100.1", Duration.ofMinutes(7)),
        "its first failure was forgotten: 2 counted, not 3");
  }

  @Test
  void atMostMaxLockoutsAreInForce() {
    lockOut(A, Duration.ZERO);
    lockOut(B, Duration.ofMinutes(1));
    failed("192.0.2.7", Duration.ofMinutes(2));
    failed("192.0.2.7", Duration.ofMinutes(3));
    var third = fail("192.0.2.7", Duration.ofMinutes(4));
    assertEquals(Optional.empty(), third.reply().lockedUntil(), "max-lockouts 2 in force");
    assertEquals(List.of(new FailureCounted("192.0.2.7", T0.plus(Duration.ofMinutes(4)))),
        third.events());
    assertEquals(Optional.empty(), failed("192.0.2.7", Duration.ofMinutes(5)));
    assertEquals(Optional.of(T0.plus(Duration.ofMinutes(61))),
        failed("192.0.2.7", Duration.ofMinutes(31)), "A's lockout ended: room for one more");
  }

  @Test
  void aReplayRebuildsTheSameStateAndAsksForPendingLockoutsAgain() throws Exception {
    failed(B, Duration.ZERO);
    lockOut(A, Duration.ofMinutes(1));
    blocked(A);
    registry.mode = FakeRegistry.Mode.DOWN;
    lockOut("192.0.2.7", Duration.ofMinutes(2));
    failed("198.51.100.1", Duration.ofMinutes(3));
    State before = kit.getState();
    assertTrue(before.lockouts().get("192.0.2.7").blockId().isEmpty(), "pending");

    kit.restart();
    assertEquals(before, kit.getState());
    registry.mode = FakeRegistry.Mode.UP;
    assertEquals("b2", blocked("192.0.2.7"), "the pending lockout taken after the restart");
    assertEquals(2, registry.blocks.size());
  }

  @Test
  void aLockoutEndsOnAWholeSecondNeverBeforeItsDuration() {
    failed(A, Duration.ZERO);
    failed(A, Duration.ofMillis(300));
    assertEquals(Optional.of(T0.plus(Duration.ofMinutes(30)).plusSeconds(1)),
        failed(A, Duration.ofMillis(600)), "10:00:00.600 + 30 min -> 10:30:01");
  }

  @Test
  void aValueThatIsNoAddressCountsNothing() {
    var result = fail("not-an-address", Duration.ZERO);
    assertEquals(Optional.empty(), result.reply().lockedUntil());
    assertEquals(List.of(), result.events());
  }
}

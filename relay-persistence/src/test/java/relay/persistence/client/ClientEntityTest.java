package relay.persistence.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import relay.persistence.client.SessionSlotHolder.Outcome;

/**
 * The entity with holders played by the test: each holder is a real actor registered with the
 * Receptionist that hands every message it gets to a probe, and that the test can stop (its
 * node gone).
 */
class ClientEntityTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final ClientSessionSettings SETTINGS =
      new ClientSessionSettings(Duration.ofSeconds(3), Duration.ofMillis(500), 3);

  /** Entities and holders of the running test, stopped after it so the next starts clean. */
  static final List<ActorRef<?>> spawned = new ArrayList<>();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void stopTheTestsActors() {
    spawned.forEach(testKit::stop);
    spawned.clear();
  }

  /** A holder on a pretend node. */
  static final class Holder {
    final TestProbe<SessionSlotHolder.Command> probe = testKit.createTestProbe();
    final ActorRef<SessionSlotHolder.Command> ref = spawn(Behaviors.monitor(
        SessionSlotHolder.Command.class, probe.ref(), Behaviors.ignore()));

    Holder register() {
      TestProbe<Receptionist.Registered> registered = testKit.createTestProbe();
      testKit.system().receptionist().tell(
          Receptionist.register(SessionSlotHolder.KEY, ref, registered.ref()));
      registered.expectMessageClass(Receptionist.Registered.class);
      return this;
    }

    /** Expects the entity's question and answers it. */
    void reports(ActorRef<ClientEntity.Command> entity, List<Long> held, List<Long> pending) {
      assertEquals(new SessionSlotHolder.ReportSlots("app"),
          probe.expectMessageClass(SessionSlotHolder.ReportSlots.class));
      entity.tell(new ClientEntity.SlotsHeld(ref, held, pending));
    }

    Outcome acquire(ActorRef<ClientEntity.Command> entity, long slot, int max) {
      entity.tell(new ClientEntity.Acquire(ref, slot, max));
      return verdict(slot);
    }

    Outcome verdict(long slot) {
      SessionSlotHolder.Verdict verdict = probe.expectMessageClass(SessionSlotHolder.Verdict.class);
      assertEquals("app", verdict.client());
      assertEquals(slot, verdict.slot());
      return verdict.outcome();
    }
  }

  static <T> ActorRef<T> spawn(Behavior<T> behavior) {
    ActorRef<T> ref = testKit.spawn(behavior);
    spawned.add(ref);
    return ref;
  }

  static ActorRef<ClientEntity.Command> entity() {
    return spawn(ClientEntity.create("app", SETTINGS));
  }

  static ClientEntity.SessionCount count(ActorRef<ClientEntity.Command> entity) {
    TestProbe<ClientEntity.SessionCount> probe = testKit.createTestProbe();
    entity.tell(new ClientEntity.GetSessionCount(probe.ref()));
    return probe.receiveMessage();
  }

  /** The entity learns of a holder's death asynchronously: asks until the count is as expected. */
  static void awaitCount(ActorRef<ClientEntity.Command> entity, ClientEntity.SessionCount expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    ClientEntity.SessionCount seen = count(entity);
    while (!seen.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      seen = count(entity);
    }
    assertEquals(expected, seen);
  }

  @Test
  void acquiresUpToTheLimitAndAReleaseMakesRoom() {
    Holder h = new Holder().register();
    ActorRef<ClientEntity.Command> entity = entity();
    h.reports(entity, List.of(), List.of());
    assertEquals(Outcome.GRANTED, h.acquire(entity, 1, 2));
    assertEquals(Outcome.GRANTED, h.acquire(entity, 2, 2));
    assertEquals(Outcome.LIMIT_REACHED, h.acquire(entity, 3, 2));
    assertEquals(new ClientEntity.SessionCount(2, 1), count(entity));

    entity.tell(new ClientEntity.Release(h.ref, 1));
    entity.tell(new ClientEntity.Release(h.ref, 1)); // twice: changes nothing more
    entity.tell(new ClientEntity.Release(h.ref, 99)); // unknown: changes nothing
    assertEquals(new ClientEntity.SessionCount(1, 1), count(entity));
    assertEquals(Outcome.GRANTED, h.acquire(entity, 4, 2));
    assertEquals(Outcome.LIMIT_REACHED, h.acquire(entity, 5, 2));
    assertEquals(Outcome.LIMIT_REACHED, h.acquire(entity, 6, 0), "a limit below 1 admits nobody");
  }

  @Test
  void aRefreshReplacesWhatWasCountedForItsNodeSoALostReleaseHeals() {
    Holder h = new Holder().register();
    ActorRef<ClientEntity.Command> entity = entity();
    h.reports(entity, List.of(), List.of());
    assertEquals(Outcome.GRANTED, h.acquire(entity, 1, 2));
    assertEquals(Outcome.GRANTED, h.acquire(entity, 2, 2));
    assertEquals(Outcome.GRANTED, h.acquire(entity, 2, 2), "asking again for a slot is harmless");
    assertEquals(new ClientEntity.SessionCount(2, 1), count(entity));
    // The release of slot 1 was lost in a hand-over; the node's next refresh holds only slot 2.
    entity.tell(new ClientEntity.SlotsHeld(h.ref, List.of(2L), List.of()));
    assertEquals(new ClientEntity.SessionCount(1, 1), count(entity));
    assertEquals(Outcome.GRANTED, h.acquire(entity, 3, 2));
  }

  @Test
  void theLimitCountsEveryNodesSessionsAndADeadNodesSlotsAreFreed() throws Exception {
    Holder a = new Holder().register();
    Holder b = new Holder().register();
    ActorRef<ClientEntity.Command> entity = entity();
    a.reports(entity, List.of(), List.of());
    b.reports(entity, List.of(), List.of());
    assertEquals(Outcome.GRANTED, a.acquire(entity, 1, 3));
    assertEquals(Outcome.GRANTED, b.acquire(entity, 1, 3)); // same number, other node
    assertEquals(Outcome.GRANTED, b.acquire(entity, 2, 3));
    assertEquals(Outcome.LIMIT_REACHED, a.acquire(entity, 2, 3));
    assertEquals(new ClientEntity.SessionCount(3, 2), count(entity));

    testKit.stop(b.ref); // node b is gone: DeathWatch frees its two slots
    awaitCount(entity, new ClientEntity.SessionCount(1, 1));
    assertEquals(Outcome.GRANTED, a.acquire(entity, 3, 3));
    assertEquals(Outcome.GRANTED, a.acquire(entity, 4, 3));
    assertEquals(Outcome.LIMIT_REACHED, a.acquire(entity, 5, 3));
  }

  @Test
  void aRestartedEntityRebuildsTheCountFromTheHoldersBeforeItAnswers() {
    Holder a = new Holder().register();
    Holder b = new Holder().register();
    ActorRef<ClientEntity.Command> first = entity();
    a.reports(first, List.of(), List.of());
    b.reports(first, List.of(), List.of());
    assertEquals(Outcome.GRANTED, a.acquire(first, 1, 3));
    assertEquals(Outcome.GRANTED, b.acquire(first, 1, 3));
    testKit.stop(first); // rebalance or failover: the count in memory is gone

    ActorRef<ClientEntity.Command> second = entity();
    second.tell(new ClientEntity.Acquire(a.ref, 2, 3));
    second.tell(new ClientEntity.Acquire(a.ref, 3, 3));
    // the acquires wait for both holders' reports
    assertEquals(new SessionSlotHolder.ReportSlots("app"),
        a.probe.expectMessageClass(SessionSlotHolder.ReportSlots.class));
    second.tell(new ClientEntity.SlotsHeld(a.ref, List.of(1L), List.of(2L, 3L)));
    b.probe.expectMessageClass(SessionSlotHolder.ReportSlots.class);
    a.probe.expectNoMessage(Duration.ofMillis(200));
    second.tell(new ClientEntity.SlotsHeld(b.ref, List.of(1L), List.of()));
    // two held and two pending (perhaps granted by the first incarnation) are counted; each
    // pending one is decided afresh, with the other still counted: never one too many
    assertEquals(Outcome.LIMIT_REACHED, a.verdict(2));
    assertEquals(Outcome.GRANTED, a.verdict(3));
    assertEquals(new ClientEntity.SessionCount(3, 2), count(second));
  }

  @Test
  void aReleaseWaitsBehindItsAcquireWhileTheEntityStarts() {
    Holder h = new Holder().register();
    ActorRef<ClientEntity.Command> entity = entity();
    entity.tell(new ClientEntity.Acquire(h.ref, 1, 1)); // the connection gave up meanwhile
    entity.tell(new ClientEntity.Release(h.ref, 1));
    h.reports(entity, List.of(), List.of());
    assertEquals(Outcome.GRANTED, h.verdict(1));
    assertEquals(new ClientEntity.SessionCount(0, 0), count(entity));
    assertEquals(Outcome.GRANTED, h.acquire(entity, 2, 1));
  }

  @Test
  void aSilentHolderDelaysTheAnswersOnlyUntilTheReportTimeoutAndItsLateReportCounts() {
    Holder silent = new Holder().register();
    ActorRef<ClientEntity.Command> entity = entity();
    TestProbe<SessionSlotHolder.Command> other = testKit.createTestProbe();
    entity.tell(new ClientEntity.Acquire(other.ref(), 1, 2));
    silent.probe.expectMessageClass(SessionSlotHolder.ReportSlots.class);
    // a holder first seen by its acquire is asked too
    other.expectMessageClass(SessionSlotHolder.ReportSlots.class);
    entity.tell(new ClientEntity.SlotsHeld(other.ref(), List.of(), List.of(1L)));
    long start = System.nanoTime();
    assertEquals(new SessionSlotHolder.Verdict("app", 1, Outcome.GRANTED),
        other.expectMessageClass(SessionSlotHolder.Verdict.class, Duration.ofSeconds(3)));
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos(),
        "answered only after the report timeout");
    entity.tell(new ClientEntity.SlotsHeld(silent.ref, List.of(7L), List.of()));
    entity.tell(new ClientEntity.Acquire(other.ref(), 2, 2));
    assertEquals(Outcome.LIMIT_REACHED,
        other.expectMessageClass(SessionSlotHolder.Verdict.class).outcome());
  }

  @Test
  void acquiresBeyondTheWaitingRoomAreAnsweredUnavailable() {
    Holder silent = new Holder().register();
    ActorRef<ClientEntity.Command> entity = entity();
    silent.probe.expectMessageClass(SessionSlotHolder.ReportSlots.class);
    TestProbe<SessionSlotHolder.Command> other = testKit.createTestProbe();
    for (long slot = 1; slot <= 4; slot++) {
      entity.tell(new ClientEntity.Acquire(other.ref(), slot, 10));
    }
    other.expectMessageClass(SessionSlotHolder.ReportSlots.class);
    assertEquals(new SessionSlotHolder.Verdict("app", 4, Outcome.UNAVAILABLE),
        other.expectMessageClass(SessionSlotHolder.Verdict.class), "max-waiting-acquires = 3");
    List<Outcome> later = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      later.add(other.expectMessageClass(SessionSlotHolder.Verdict.class, Duration.ofSeconds(3))
          .outcome());
    }
    assertEquals(List.of(Outcome.GRANTED, Outcome.GRANTED, Outcome.GRANTED), later,
        "the waiting ones are answered once the silent holder's report is overdue");
  }
}

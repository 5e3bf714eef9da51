package relay.persistence.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import relay.persistence.client.SessionSlotHolder.Outcome;

/** The node's holder, with the entity played by a probe: what it tells the entity, and when. */
class SessionSlotHolderTest {

  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  final TestProbe<ClientEntity.Command> entity = testKit.createTestProbe();
  /** Resend and refresh timers far away: these tests drive every message themselves. */
  static final ClientSessionSettings QUIET = new ClientSessionSettings(Duration.ofSeconds(3),
      Duration.ofMillis(500), 10, Duration.ofMinutes(1), Duration.ofHours(1));

  final ActorRef<SessionSlotHolder.Command> holder =
      testKit.spawn(SessionSlotHolder.create(client -> entity.ref(), QUIET));
  final TestProbe<Outcome> connection = testKit.createTestProbe();

  void acquire(long slot) {
    holder.tell(new SessionSlotHolder.Acquire("app", slot, 5, connection.ref()));
    assertEquals(new ClientEntity.Acquire(holder, slot, 5),
        entity.expectMessageClass(ClientEntity.Acquire.class));
  }

  @Test
  void aGrantedSlotIsReportedAsHeldAndReleasedOnce() {
    acquire(1);
    holder.tell(new SessionSlotHolder.Verdict("app", 1, Outcome.GRANTED));
    assertEquals(Outcome.GRANTED, connection.receiveMessage());
    holder.tell(new SessionSlotHolder.ReportSlots("app"));
    assertEquals(new ClientEntity.SlotsHeld(holder, List.of(1L), List.of()),
        entity.expectMessageClass(ClientEntity.SlotsHeld.class));
    holder.tell(new SessionSlotHolder.ReportSlots("other-app"));
    assertEquals(new ClientEntity.SlotsHeld(holder, List.of(), List.of()),
        entity.expectMessageClass(ClientEntity.SlotsHeld.class));

    holder.tell(new SessionSlotHolder.Release(1));
    holder.tell(new SessionSlotHolder.Release(1));
    assertEquals(new ClientEntity.Release(holder, 1),
        entity.expectMessageClass(ClientEntity.Release.class));
    entity.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aPendingSlotReportedAndThenRefusedIsGivenBack() {
    acquire(2);
    holder.tell(new SessionSlotHolder.ReportSlots("app"));
    assertEquals(new ClientEntity.SlotsHeld(holder, List.of(), List.of(2L)),
        entity.expectMessageClass(ClientEntity.SlotsHeld.class));
    holder.tell(new SessionSlotHolder.Verdict("app", 2, Outcome.LIMIT_REACHED));
    assertEquals(Outcome.LIMIT_REACHED, connection.receiveMessage());
    assertEquals(new ClientEntity.Release(holder, 2),
        entity.expectMessageClass(ClientEntity.Release.class));
  }

  @Test
  void aRefusalOfAnUnreportedSlotNeedsNoRelease() {
    acquire(3);
    holder.tell(new SessionSlotHolder.Verdict("app", 3, Outcome.LIMIT_REACHED));
    assertEquals(Outcome.LIMIT_REACHED, connection.receiveMessage());
    entity.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aGrantAfterTheConnectionGaveUpIsGivenBack() {
    acquire(4);
    holder.tell(new SessionSlotHolder.Release(4)); // the ask timed out
    assertEquals(new ClientEntity.Release(holder, 4),
        entity.expectMessageClass(ClientEntity.Release.class));
    holder.tell(new SessionSlotHolder.Verdict("app", 4, Outcome.GRANTED));
    assertEquals(new ClientEntity.Release(holder, 4),
        entity.expectMessageClass(ClientEntity.Release.class));
    connection.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void anAcquireWithoutVerdictIsSentAgainAndTheHeldSetIsRefreshed() {
    ClientSessionSettings eager = new ClientSessionSettings(Duration.ofSeconds(3),
        Duration.ofMillis(500), 10, Duration.ofMillis(200), Duration.ofMillis(700));
    TestProbe<ClientEntity.Command> lossy = testKit.createTestProbe();
    ActorRef<SessionSlotHolder.Command> node =
        testKit.spawn(SessionSlotHolder.create(client -> lossy.ref(), eager));
    node.tell(new SessionSlotHolder.Acquire("app", 7, 5, connection.ref()));
    assertEquals(new ClientEntity.Acquire(node, 7, 5),
        lossy.expectMessageClass(ClientEntity.Acquire.class));
    // The first ask was lost in a hand-over: the same slot is asked for again.
    assertEquals(new ClientEntity.Acquire(node, 7, 5),
        lossy.fishForMessage(Duration.ofSeconds(2), m -> m instanceof ClientEntity.Acquire
            ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0));
    node.tell(new SessionSlotHolder.Verdict("app", 7, Outcome.GRANTED));
    assertEquals(Outcome.GRANTED, connection.receiveMessage());
    // From now on no more asks, and the refresh names slot 7 as held.
    ClientEntity.Command refreshed = lossy.fishForMessage(Duration.ofSeconds(3),
        m -> m instanceof ClientEntity.SlotsHeld held && held.held().equals(List.of(7L))
            ? FishingOutcomes.complete() : m instanceof ClientEntity.Acquire
            ? FishingOutcomes.fail("asked again after the verdict") : FishingOutcomes.continueAndIgnore())
        .get(0);
    assertEquals(new ClientEntity.SlotsHeld(node, List.of(7L), List.of()), refreshed);
  }
}

package relay.persistence.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import relay.protocol.server.EnvelopeRefusal;

/**
 * A node's ledger of one client's quota, against an entity the test answers by hand (as late as
 * it likes): leases spent without asking, the background ask when half is gone, borrowing while
 * an answer is on its way and its bound, the refusals (used up until the reset, not confirmed in
 * time), hours that roll over (the rest given back), late and failed answers.
 */
class QuotaLedgerTest {

  static final Instant T0 = Instant.parse("2026-12-05T10:20:00Z");
  static final Instant HOUR = Instant.parse("2026-12-05T10:00:00Z");
  static final Instant NEXT_HOUR = Instant.parse("2026-12-05T11:00:00Z");
  static final QuotaLimits FIVE_AN_HOUR = new QuotaLimits(Optional.of(5), Optional.empty());
  static final QuotaLimits LOTS = new QuotaLimits(Optional.of(100_000), Optional.empty());

  /** The entity: asks wait until the test answers them; give-backs are recorded. */
  static final class HandEntity implements QuotaLedger.Entity {
    final List<CompletableFuture<QuotaEntity.Lease>> asks = new ArrayList<>();
    final List<Integer> reported = new ArrayList<>();
    final List<String> givenBack = new ArrayList<>();

    @Override
    public CompletionStage<QuotaEntity.Lease> lease(QuotaLimits limits, int borrowed) {
      reported.add(borrowed);
      CompletableFuture<QuotaEntity.Lease> ask = new CompletableFuture<>();
      asks.add(ask);
      return ask;
    }

    @Override
    public void giveBack(Instant hour, int count) {
      givenBack.add(hour + " " + count);
    }

    void answer(int index, Instant hour, int granted, long headroom) {
      asks.get(index).complete(new QuotaEntity.Lease(hour, granted, headroom, false,
          hour.plusSeconds(3600)));
    }
  }

  final HandEntity entity = new HandEntity();
  final QuotaLedger ledger = new QuotaLedger(entity, 3, Duration.ofSeconds(10));

  private Optional<EnvelopeRefusal> take(QuotaLimits limits) {
    return ledger.take(T0, limits);
  }

  @Test
  void aLeaseIsSpentLocallyAndRefilledInTheBackgroundWhenHalfIsGone() {
    ledger.prepare(T0, LOTS);
    entity.answer(0, HOUR, 10, 1000);
    for (int i = 0; i < 4; i++) {
      assertEquals(Optional.empty(), take(LOTS));
    }
    assertEquals(1, entity.asks.size(), "no ask while more than half is left");
    assertEquals(Optional.empty(), take(LOTS)); // 5 left: half
    assertEquals(2, entity.asks.size());
    take(LOTS);
    assertEquals(2, entity.asks.size(), "one ask at a time");
    entity.answer(1, HOUR, 10, 990);
    assertEquals(14, ledger.lease());
    assertEquals(List.of(0, 0), entity.reported);
  }

  @Test
  void withoutAnAnswerItBorrowsAtMostMaxBorrowThenCannotConfirm() {
    assertEquals(Optional.empty(), take(LOTS));
    assertEquals(Optional.empty(), take(LOTS));
    assertEquals(Optional.empty(), take(LOTS));
    assertEquals(Optional.of(new EnvelopeRefusal.QuotaUnconfirmed()), take(LOTS));
    assertEquals(1, entity.asks.size());
    assertEquals(3, ledger.borrowed());
    entity.answer(0, HOUR, 10, 500);
    assertEquals(List.of(1), entity.reported, "the first reported with the ask");
    assertEquals(0, ledger.borrowed());
    assertEquals(8, ledger.lease(), "the other two covered by the grant");
  }

  @Test
  void recipientsBorrowedAfterTheAskAreCoveredByItsGrantAndTheRestReportedAtOnce() {
    ledger.prepare(T0, FIVE_AN_HOUR); // asks, reporting nothing
    take(FIVE_AN_HOUR);
    take(FIVE_AN_HOUR);
    take(FIVE_AN_HOUR);
    entity.answer(0, HOUR, 1, 4); // granted before it knew of the three
    assertEquals(0, ledger.lease(), "the grant covers one of the borrowed");
    assertEquals(2, ledger.borrowed());
    assertEquals(List.of(0, 2), entity.reported, "the other two reported at once");
    entity.answer(1, HOUR, 0, 0);
    assertEquals(0, ledger.borrowed());
    assertEquals(Optional.of(new EnvelopeRefusal.QuotaReached(false, NEXT_HOUR)),
        take(FIVE_AN_HOUR));
  }

  @Test
  void borrowingBeforeAnyAnswerStopsAtTheClientsLowestQuota() {
    QuotaLedger two = new QuotaLedger(entity, 20, Duration.ofSeconds(10));
    QuotaLimits twoAnHour = new QuotaLimits(Optional.of(2), Optional.of(50));
    assertEquals(Optional.empty(), two.take(T0, twoAnHour));
    assertEquals(Optional.empty(), two.take(T0, twoAnHour));
    assertEquals(Optional.of(new EnvelopeRefusal.QuotaUnconfirmed()), two.take(T0, twoAnHour));
  }

  @Test
  void theSixthOfFiveAnHourIsRefusedUntilTheNextHour() {
    ledger.prepare(T0, FIVE_AN_HOUR);
    entity.answer(0, HOUR, 2, 3);
    take(FIVE_AN_HOUR);
    take(FIVE_AN_HOUR); // the lease is gone: asks
    entity.answer(1, HOUR, 1, 2);
    take(FIVE_AN_HOUR);
    entity.answer(2, HOUR, 1, 1);
    take(FIVE_AN_HOUR);
    entity.answer(3, HOUR, 1, 0);
    assertEquals(Optional.empty(), take(FIVE_AN_HOUR)); // the fifth
    entity.answer(4, HOUR, 0, 0);
    EnvelopeRefusal reached = new EnvelopeRefusal.QuotaReached(false, NEXT_HOUR);
    assertEquals(Optional.of(reached), take(FIVE_AN_HOUR));
    assertEquals(Optional.of(reached), take(FIVE_AN_HOUR));
    assertEquals(5, entity.asks.size(), "no ask while used up");
    // until the recheck: a raise (here: a grant) lets recipients in again before the reset
    assertEquals(Optional.of(reached), ledger.take(T0.plusSeconds(10), FIVE_AN_HOUR));
    assertEquals(6, entity.asks.size());
    entity.answer(5, HOUR, 2, 0);
    assertEquals(Optional.empty(), ledger.take(T0.plusSeconds(11), FIVE_AN_HOUR));
    assertEquals(Optional.empty(), ledger.take(T0.plusSeconds(11), FIVE_AN_HOUR));
    entity.answer(6, HOUR, 0, 0);
    assertEquals(Optional.of(reached), ledger.take(T0.plusSeconds(12), FIVE_AN_HOUR));
    // changed quotas are asked about at once
    QuotaLimits six = new QuotaLimits(Optional.of(6), Optional.empty());
    assertEquals(Optional.of(reached), ledger.take(T0.plusSeconds(12), six));
    assertEquals(8, entity.asks.size());
    entity.answer(7, HOUR, 0, 0);
    // the next hour starts from nothing known
    assertEquals(Optional.empty(), ledger.take(NEXT_HOUR.plusSeconds(1), FIVE_AN_HOUR));
    assertEquals(9, entity.asks.size());
  }

  @Test
  void aNewHourGivesBackTheRestAndALateGrantForAnOldHour() {
    ledger.prepare(T0, LOTS);
    entity.answer(0, HOUR, 10, 1000);
    take(LOTS);
    assertEquals(Optional.empty(), ledger.take(NEXT_HOUR.plusSeconds(2), LOTS)); // borrows
    assertEquals(List.of(HOUR + " 9"), entity.givenBack);
    entity.answer(1, HOUR, 7, 900); // answered for the hour that is over
    assertEquals(List.of(HOUR + " 9", HOUR + " 7"), entity.givenBack);
    assertEquals(0, ledger.lease());
    assertEquals(0, ledger.borrowed());
  }

  @Test
  void aFailedAskKeepsTheBorrowedToReportWithTheNext() {
    take(LOTS);
    take(LOTS);
    entity.asks.get(0).completeExceptionally(new TimeoutException("no answer"));
    assertEquals(2, ledger.borrowed());
    take(LOTS);
    assertEquals(List.of(1, 3), entity.reported);
    entity.answer(1, HOUR, 10, 100);
    assertEquals(0, ledger.borrowed());
    assertEquals(10, ledger.lease());
  }
}

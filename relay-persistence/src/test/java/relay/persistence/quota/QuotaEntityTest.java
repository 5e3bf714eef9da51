package relay.persistence.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import relay.persistence.MovableClock;
import relay.persistence.quota.QuotaEntity.Command;
import relay.persistence.quota.QuotaEntity.Event;
import relay.persistence.quota.QuotaEntity.Lease;
import relay.persistence.quota.QuotaEntity.Leased;
import relay.persistence.quota.QuotaEntity.State;

/**
 * The quota entity on the in-memory journal (commands, events, state and snapshots through the
 * serializer): lease sizes, what is counted (grants and borrowed, never more than the quota from
 * leases), fixed windows and their resets, give-backs, bulk notices and their raise, refusals
 * with no event, and a restart that keeps the counts.
 */
class QuotaEntityTest {

  static final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
      .withFallback(ConfigFactory.load()));
  static final Instant T0 = Instant.parse("2026-12-05T10:20:00Z");
  static final Instant NEXT_HOUR = Instant.parse("2026-12-05T11:00:00Z");
  static final Instant NEXT_DAY = Instant.parse("2026-12-06T00:00:00Z");
  static final QuotaSettings SETTINGS = new QuotaSettings(0.25, 1000, 20, Duration.ofSeconds(3),
      Duration.ofSeconds(10), 100, 3, Duration.ofDays(31));
  static final QuotaLimits HOURLY_100 = new QuotaLimits(Optional.of(100), Optional.empty());

  final MovableClock clock = new MovableClock(T0);
  EventSourcedBehaviorTestKit<Command, Event, State> kit;
  static int entities;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void start() {
    kit = EventSourcedBehaviorTestKit.create(testKit.system(),
        QuotaEntity.create("client-" + (++entities), SETTINGS, clock));
  }

  CommandResultWithReply<Command, Event, State, Lease> lease(QuotaLimits limits, int borrowed) {
    return kit.runCommand(r -> new QuotaEntity.RequestLease(limits, borrowed, r));
  }

  CommandResultWithReply<Command, Event, State, QuotaEntity.NoticeReply> post(long expected,
      Instant from, Instant until, boolean raise) {
    return kit.runCommand(r -> new QuotaEntity.PostNotice(expected, from, until,
        Optional.of("newsletter"), raise, "shop-token", r));
  }

  @Test
  void leasesAreAShareOfWhatIsLeftAndNeverAddUpToMoreThanTheQuota() {
    Instant hour = Instant.parse("2026-12-05T10:00:00Z");
    var first = lease(HOURLY_100, 0);
    assertEquals(new Lease(hour, 25, 75, false, NEXT_HOUR), first.reply());
    assertEquals(new Leased(T0, 25, 0), first.event());
    assertEquals(new Lease(hour, 19, 56, false, NEXT_HOUR), lease(HOURLY_100, 0).reply());
    int total = 44;
    while (true) {
      Lease l = lease(HOURLY_100, 0).reply();
      if (l.granted() == 0) {
        assertEquals(0, l.headroom());
        break;
      }
      total += l.granted();
      assertTrue(l.granted() >= 1);
    }
    assertEquals(100, total);
    var none = lease(HOURLY_100, 0);
    assertTrue(none.hasNoEvents(), "nothing granted, nothing borrowed: no event");
    assertEquals(100, none.state().hourUsed());
  }

  @Test
  void borrowedRecipientsAreCountedEvenPastTheQuota() {
    var l = lease(new QuotaLimits(Optional.of(10), Optional.empty()), 12);
    assertEquals(0, l.reply().granted());
    assertEquals(new Leased(T0, 0, 12), l.event());
    assertEquals(12, l.state().hourUsed());
    assertEquals(12, l.state().dayUsed());
  }

  @Test
  void theTighterQuotaDecidesTheLeaseAndTheResetTime() {
    QuotaLimits both = new QuotaLimits(Optional.of(100), Optional.of(8));
    Lease l = lease(both, 0).reply();
    assertEquals(2, l.granted());
    assertEquals(6, l.headroom());
    assertTrue(l.daily());
    assertEquals(NEXT_DAY, l.resetsAt());
    lease(both, 6); // borrowed up to the day quota
    Lease none = lease(both, 0).reply();
    assertEquals(new Lease(l.hour(), 0, 0, true, NEXT_DAY), none);
  }

  @Test
  void windowsAreFixedInUtcAndStartFromZero() {
    QuotaLimits both = new QuotaLimits(Optional.of(10), Optional.of(15));
    lease(both, 10);
    assertEquals(0, lease(both, 0).reply().granted());
    clock.now = Instant.parse("2026-12-05T10:59:59.999Z");
    assertEquals(0, lease(both, 0).reply().granted());
    clock.now = NEXT_HOUR;
    Lease l = lease(both, 0).reply();
    assertEquals(NEXT_HOUR, l.hour());
    assertEquals(2, l.granted()); // a quarter of the 5 left of the day
    assertEquals(new State(NEXT_HOUR, 2, Instant.parse("2026-12-05T00:00:00Z"), 12, List.of(), 0),
        kit.getState());
    clock.now = NEXT_DAY.plusSeconds(1);
    assertEquals(3, lease(both, 0).reply().granted());
  }

  @Test
  void aLeaseGivenBackNoLongerCountsAgainstTheDay() {
    QuotaLimits daily = new QuotaLimits(Optional.empty(), Optional.of(100));
    lease(daily, 0); // 25
    clock.now = NEXT_HOUR.plusSeconds(5);
    var back = kit.runCommand(new QuotaEntity.ReturnLease(
        Instant.parse("2026-12-05T10:00:00Z"), 20));
    assertEquals(5, back.state().dayUsed());
    assertEquals(0, back.state().hourUsed());
    // a give-back from yesterday changes nothing of today
    clock.now = NEXT_DAY.plusSeconds(5);
    lease(daily, 0);
    var old = kit.runCommand(new QuotaEntity.ReturnLease(NEXT_HOUR, 5));
    assertEquals(25, old.state().dayUsed());
  }

  QuotaEntity.Usage usage(QuotaLimits limits) {
    return kit.<QuotaEntity.Usage>runCommand(r -> new QuotaEntity.GetUsage(limits, r)).reply();
  }

  @Test
  void aRaisingNoticeRaisesEveryWindowItOverlaps() {
    var posted = post(400, Instant.parse("2026-12-05T10:30:00Z"),
        Instant.parse("2026-12-05T12:30:00Z"), true);
    BulkNotice notice = ((QuotaEntity.NoticePosted) posted.reply()).notice();
    assertTrue(notice.id().startsWith("client-") && notice.id().endsWith("-1"), notice.id());
    assertEquals("shop-token", notice.postedBy());
    QuotaLimits both = new QuotaLimits(Optional.of(100), Optional.of(1000));
    QuotaEntity.Usage usage = usage(both);
    assertEquals(500, usage.hourLimit());
    assertEquals(1400, usage.dayLimit());
    clock.now = Instant.parse("2026-12-05T13:00:00Z"); // after the notice: the hour is back
    usage = usage(both);
    assertEquals(100, usage.hourLimit());
    assertEquals(1400, usage.dayLimit()); // the day still overlaps it
    // a notice without raiseQuota raises nothing; no quota stays no quota
    post(50, T0, NEXT_DAY, false);
    usage = usage(QuotaLimits.NONE);
    assertEquals(-1, usage.hourLimit());
    assertEquals(-1, usage.dayLimit());
    QuotaEntity.Notices list = kit.<QuotaEntity.Notices>runCommand(QuotaEntity.GetNotices::new).reply();
    assertEquals(1, list.notices().size()); // the first is over
  }

  @Test
  void badNoticesAreRefusedWithNoEvent() {
    Instant until = T0.plusSeconds(3600);
    refused(post(0, T0, until, true), false, "expectedRecipients: 0 is not between 1 and 1000000000");
    refused(post(5, until, T0, true), false,
        "until: 2026-12-05T10:20:00Z is not after from 2026-12-05T11:20:00Z");
    refused(post(5, T0.minusSeconds(7200), T0.minusSeconds(1), true), false,
        "until: 2026-12-05T10:19:59Z is not in the future");
    refused(post(5, T0, T0.plus(Duration.ofDays(32)), true), false,
        "until: the window from 2026-12-05T10:20:00Z is longer than PT744H"
            + " (relay.quotas.bulk-notices.max-window)");
    post(1, T0, until, true);
    post(1, T0, until, true);
    post(1, T0, until, true);
    var full = post(1, T0, until, true);
    assertTrue(full.hasNoEvents());
    assertTrue(((QuotaEntity.NoticeRefused) full.reply()).full());
  }

  private static void refused(
      CommandResultWithReply<Command, Event, State, QuotaEntity.NoticeReply> result, boolean full,
      String detail) {
    assertEquals(new QuotaEntity.NoticeRefused(full, detail), result.reply());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void aRestartKeepsTheCountsAndTheNotices() {
    lease(HOURLY_100, 3);
    post(1000, T0, NEXT_HOUR, true);
    State before = kit.getState();
    State after = kit.restart().state();
    assertEquals(before, after);
    assertEquals(1100 - 28, after.hourLimit(HOURLY_100) - after.hourUsed());
  }
}

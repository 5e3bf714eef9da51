package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import relay.persistence.queue.AttemptOutcome.RecipientReply;
import relay.persistence.queue.DeliveryQueue.DelayWarningSent;
import relay.persistence.queue.DeliveryQueue.Event;
import relay.persistence.queue.DeliveryQueue.MessageExpired;
import relay.persistence.queue.DeliveryQueue.RecipientsBounced;
import relay.persistence.queue.DeliveryQueue.RecipientsDeferred;
import relay.persistence.queue.DeliveryQueue.RecipientsDelivered;

/** What one attempt's replies become, as a table of cases. */
class AttemptPlannerTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final RecordedReply OK = new RecordedReply(250, "2.0.0", "Ok");
  static final RecordedReply NO_USER = new RecordedReply(550, "5.1.1", "No such user");
  static final RecordedReply FULL = new RecordedReply(552, "5.2.2", "Mailbox full");
  static final RecordedReply LATER = new RecordedReply(451, "4.2.0", "Later");

  static final QueueSettings SETTINGS = TestQueues.settings(
      "relay.queue { retry { initial = 5m, multiplier = 2, max-interval = 1h },"
          + " max-lifetime = 5d, delay-warning = 4h }");

  static PendingMessage msg(String sender, int attempts, boolean warned, String... rcpts) {
    return new PendingMessage("Q1", sender, List.of(rcpts), 10, T0, false, false, attempts, T0,
        warned);
  }

  static AttemptOutcome outcome(Object... pairs) {
    List<RecipientReply> replies = new java.util.ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      replies.add(new RecipientReply((String) pairs[i], (RecordedReply) pairs[i + 1]));
    }
    return new AttemptOutcome("Q1", "mx1.example", replies);
  }

  @Test
  void repliesAreGroupedByClassAndReplyInRecipientOrder() {
    List<Event> events = AttemptPlanner.plan(msg("s@x", 0, false, "a@d", "b@d", "c@d", "e@d"),
        outcome("a@d", OK, "b@d", NO_USER, "c@d", FULL, "e@d", OK), T0.plusSeconds(1), SETTINGS);
    assertEquals(List.of(
        new RecipientsDelivered("Q1", List.of("a@d", "e@d"), "mx1.example", OK, T0.plusSeconds(1)),
        new RecipientsBounced("Q1", List.of("b@d"), "mx1.example", NO_USER, T0.plusSeconds(1), "Q1.F1"),
        new RecipientsBounced("Q1", List.of("c@d"), "mx1.example", FULL, T0.plusSeconds(1), "Q1.F1")),
        events);
  }

  @Test
  void deferralFollowsTheRetryScheduleOfTheAttempt() {
    Instant now = T0.plus(Duration.ofMinutes(30));
    List<Event> first = AttemptPlanner.plan(msg("s@x", 0, false, "a@d"), outcome("a@d", LATER), now, SETTINGS);
    assertEquals(new RecipientsDeferred("Q1", List.of("a@d"), "mx1.example", LATER, 1,
        now.plus(Duration.ofMinutes(5)), now), first.get(0));
    List<Event> third = AttemptPlanner.plan(msg("s@x", 2, false, "a@d"), outcome("a@d", LATER), now, SETTINGS);
    assertEquals(now.plus(Duration.ofMinutes(20)), ((RecipientsDeferred) third.get(0)).nextAttemptAt());
    List<Event> tenth = AttemptPlanner.plan(msg("s@x", 9, false, "a@d"), outcome("a@d", LATER), now, SETTINGS);
    assertEquals(now.plus(Duration.ofHours(1)), ((RecipientsDeferred) tenth.get(0)).nextAttemptAt());
  }

  @Test
  void nextAttemptIsNeverAfterTheEndOfTheLifetime() {
    Instant now = T0.plus(Duration.ofDays(5)).minus(Duration.ofMinutes(10));
    List<Event> events = AttemptPlanner.plan(msg("s@x", 20, true, "a@d"), outcome("a@d", LATER), now, SETTINGS);
    assertEquals(T0.plus(Duration.ofDays(5)), ((RecipientsDeferred) events.get(0)).nextAttemptAt());
  }

  @Test
  void aDeferralAtTheEndOfTheLifetimeExpiresWithAFailedDsn() {
    Instant now = T0.plus(Duration.ofDays(5));
    List<Event> events = AttemptPlanner.plan(msg("s@x", 30, true, "a@d", "b@d"),
        outcome("a@d", LATER, "b@d", OK), now, SETTINGS);
    assertEquals(2, events.size());
    assertInstanceOf(RecipientsDelivered.class, events.get(0));
    assertEquals(new MessageExpired("Q1", List.of("a@d"), "mx1.example", LATER, now, "Q1.F31"),
        events.get(1));
  }

  @Test
  void theFirstDeferralAfterTheWarningDelayAddsOneDelayedDsn() {
    Instant early = T0.plus(Duration.ofHours(3));
    assertEquals(1, AttemptPlanner.plan(msg("s@x", 3, false, "a@d"), outcome("a@d", LATER), early, SETTINGS).size());

    Instant late = T0.plus(Duration.ofHours(4));
    List<Event> events = AttemptPlanner.plan(msg("s@x", 4, false, "a@d"), outcome("a@d", LATER), late, SETTINGS);
    assertEquals(2, events.size());
    DelayWarningSent w = (DelayWarningSent) events.get(1);
    assertEquals("Q1.D", w.dsnId());
    assertEquals(T0.plus(Duration.ofDays(5)), w.retryUntil());
    assertEquals(List.of(new FailedRecipient("a@d", 451, "4.2.0", "Later", Optional.of("mx1.example"), late)),
        w.recipients());

    assertEquals(1, AttemptPlanner.plan(msg("s@x", 5, true, "a@d"), outcome("a@d", LATER), late, SETTINGS).size(),
        "the warning is sent once");
  }

  @Test
  void theNullSenderNeverGetsADsn() {
    Instant late = T0.plus(Duration.ofHours(5));
    List<Event> events = AttemptPlanner.plan(msg("", 4, false, "a@d", "b@d"),
        outcome("a@d", NO_USER, "b@d", LATER), late, SETTINGS);
    assertEquals(2, events.size());
    assertEquals("", ((RecipientsBounced) events.get(0)).dsnId());
    assertInstanceOf(RecipientsDeferred.class, events.get(1));
    List<Event> expired = AttemptPlanner.plan(msg("", 40, false, "b@d"), outcome("b@d", LATER),
        T0.plus(Duration.ofDays(6)), SETTINGS);
    assertEquals("", ((MessageExpired) expired.get(0)).dsnId());
  }

  @Test
  void delayWarningOffMeansNoDelayedDsn() {
    QueueSettings off = TestQueues.settings("relay.queue.delay-warning = off");
    assertTrue(!off.delayWarningEnabled());
    List<Event> events = AttemptPlanner.plan(msg("s@x", 4, false, "a@d"), outcome("a@d", LATER),
        T0.plus(Duration.ofHours(10)), off);
    assertEquals(1, events.size());
  }

  @Test
  void aRecipientWithoutReplyIsDeferredNotForgotten() {
    List<Event> events = AttemptPlanner.plan(msg("s@x", 0, false, "a@d", "b@d"),
        outcome("a@d", OK, "zzz@d", OK), T0.plusSeconds(1), SETTINGS);
    assertEquals(2, events.size());
    RecipientsDeferred d = (RecipientsDeferred) events.get(1);
    assertEquals(List.of("b@d"), d.recipients());
    assertEquals(AttemptPlanner.NO_RESULT, d.reply());
  }

  @Test
  void connectFailureWithoutHostLeavesRemoteHostEmpty() {
    AttemptOutcome none = AttemptOutcome.all("Q1", "", List.of("a@d"), NO_USER);
    RecipientsBounced b = (RecipientsBounced) AttemptPlanner.plan(msg("s@x", 0, false, "a@d"),
        none, T0, SETTINGS).get(0);
    assertEquals("", b.remoteHost());
  }
}

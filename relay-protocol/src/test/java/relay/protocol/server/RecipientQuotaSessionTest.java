package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import relay.protocol.address.Mailbox;
import relay.protocol.reply.Replies;

/**
 * The recipient quota in the pure session ({@link EnvelopePolicy#countRecipient}): asked last at
 * RCPT, so a recipient refused for any other reason (relay, block, per-message limit) never uses
 * quota; its refusal is 452 4.5.3 with the reset time, reported for the event log like the
 * other limits.
 */
class RecipientQuotaSessionTest {

  private static final Instant RESET = Instant.parse("2026-12-05T10:00:00Z");

  /** A quota of {@code left} recipients, then refused until {@link #RESET}. */
  static final class Quota implements EnvelopePolicy {
    int left;
    final List<String> counted = new ArrayList<>();

    Quota(int left) {
      this.left = left;
    }

    @Override
    public Optional<EnvelopeRefusal> recipient(Mailbox recipient) {
      return recipient.domainKey().equals("blocked.example")
          ? Optional.of(new EnvelopeRefusal.Blocked(RefusalReason.BLOCKED_RECIPIENT_DOMAIN, "no")) : Optional.empty();
    }

    @Override
    public SessionLimits limits(SessionLimits server) {
      return new SessionLimits(server.maxMessageSize(), 3);
    }

    @Override
    public Optional<EnvelopeRefusal> countRecipient(Mailbox recipient) {
      if (left == 0) {
        return Optional.of(new EnvelopeRefusal.QuotaReached(false, RESET));
      }
      left--;
      counted.add(recipient.address());
      return Optional.empty();
    }
  }

  private static SessionDriver connect(EnvelopePolicy rules) {
    SessionDriver d = new SessionDriver(TestSettings.defaults());
    d.send(new SessionInput.Connected(
        ClientIdentity.registered("192.0.2.7", "app-1").withEnvelope(rules)));
    d.line("EHLO client.example");
    d.line("MAIL FROM:<alice@client.example>");
    return d;
  }

  @Test
  void theRecipientOverTheQuotaGets452WithTheResetTimeAndIsReported() {
    Quota quota = new Quota(2);
    SessionDriver c = connect(quota);
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<a@example.org>"));
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<b@example.org>"));
    assertEquals("452 4.5.3 Hourly recipient quota reached, resets at 2026-12-05T10:00:00Z",
        c.reply("RCPT TO:<c@example.org>"));
    List<SessionRefusal> reports = c.effects().stream()
        .filter(SessionEffect.ReportRefusal.class::isInstance)
        .map(e -> ((SessionEffect.ReportRefusal) e).refusal()).toList();
    assertEquals(List.of(new SessionRefusal(SessionRefusal.Stage.RCPT, RefusalReason.QUOTA,
        c.state().client().orElseThrow(), Optional.of("alice@client.example"),
        List.of("a@example.org", "b@example.org"), Optional.of("c@example.org"),
        Replies.recipientQuotaReached(false, RESET))), reports);
    assertEquals(List.of("a@example.org", "b@example.org"), quota.counted);
    assertEquals(2, c.state().transaction().orElseThrow().recipients().size());
  }

  @Test
  void recipientsRefusedForAnyOtherReasonUseNoQuota() {
    Quota quota = new Quota(100);
    SessionDriver c = connect(quota);
    assertEquals("554 5.7.1 Blocked: no", c.reply("RCPT TO:<x@blocked.example>"));
    assertEquals("501 5.5.2 Bad recipient address syntax", c.reply("RCPT TO:<nope>"));
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<a@example.org>"));
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<b@example.org>"));
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<c@example.org>"));
    assertEquals("452 4.5.3 Too many recipients", c.reply("RCPT TO:<d@example.org>"));
    assertEquals(List.of("a@example.org", "b@example.org", "c@example.org"), quota.counted);
  }

  @Test
  void dailyQuotaAndUnconfirmedQuotaReadFromTheCatalogue() {
    assertEquals("452 4.5.3 Daily recipient quota reached, resets at 2026-12-06T00:00:00Z",
        Replies.recipientQuotaReached(true, Instant.parse("2026-12-06T00:00:00.250Z")).toString());
    SessionDriver c = connect(new EnvelopePolicy() {
      @Override
      public Optional<EnvelopeRefusal> countRecipient(Mailbox recipient) {
        return Optional.of(new EnvelopeRefusal.QuotaUnconfirmed());
      }
    });
    assertEquals("451 4.3.0 Recipient quota not confirmed, try again later",
        c.reply("RCPT TO:<a@example.org>"));
    assertEquals(List.of(RefusalReason.QUOTA_UNCONFIRMED), c.effects().stream()
        .filter(SessionEffect.ReportRefusal.class::isInstance)
        .map(e -> ((SessionEffect.ReportRefusal) e).refusal().reason()).toList());
  }
}

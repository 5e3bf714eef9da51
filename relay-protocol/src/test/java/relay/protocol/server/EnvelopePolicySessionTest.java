package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import relay.protocol.address.Mailbox;
import relay.protocol.reply.Replies;

/**
 * The operator's envelope rules in the pure session ({@link EnvelopePolicy}): blocked senders,
 * sender domains and recipient domains, a client's allowed sender domains, its own recipient and
 * size limits, and the refusals reported for the event log.
 */
class EnvelopePolicySessionTest {

  private static final Instant AT = Instant.parse("2026-12-05T06:30:00Z");

  /**
   * Rules as the node keeps them, in memory: blocks by address and by domain (with their reasons),
   * the allowed sender domains (empty = any) and the client's own limits.
   */
  record Rules(Map<String, String> blockedSenders, Map<String, String> blockedSenderDomains,
      Set<String> allowedSenderDomains, Map<String, String> blockedRecipientDomains,
      Optional<Long> maxMessageSize, Optional<Integer> maxRecipients) implements EnvelopePolicy {

    @Override
    public Optional<EnvelopeRefusal> sender(Mailbox sender) {
      String reason = blockedSenders.get(sender.address().toLowerCase());
      if (reason != null) {
        return Optional.of(new EnvelopeRefusal.Blocked(RefusalReason.BLOCKED_SENDER, reason));
      }
      reason = blockedSenderDomains.get(sender.domainKey());
      if (reason != null) {
        return Optional.of(
            new EnvelopeRefusal.Blocked(RefusalReason.BLOCKED_SENDER_DOMAIN, reason));
      }
      if (!allowedSenderDomains.isEmpty() && !allowedSenderDomains.contains(sender.domainKey())) {
        return Optional.of(new EnvelopeRefusal.SenderDomainNotAllowed());
      }
      return Optional.empty();
    }

    @Override
    public Optional<EnvelopeRefusal> recipient(Mailbox recipient) {
      return Optional.ofNullable(blockedRecipientDomains.get(recipient.domainKey()))
          .map(reason -> new EnvelopeRefusal.Blocked(RefusalReason.BLOCKED_RECIPIENT_DOMAIN,
              reason));
    }

    @Override
    public SessionLimits limits(SessionLimits server) {
      return new SessionLimits(maxMessageSize.orElse(server.maxMessageSize()),
          maxRecipients.orElse(server.maxRecipients()));
    }
  }

  private static final Rules RULES = new Rules(
      Map.of("spammer@client.example", "phishing campaign 2026-12-01"),
      Map.of("bad.example", "compromised domain"),
      Set.of("client.example", "bad.example"),
      Map.of("victim.example", "complaint from victim.example postmaster"),
      Optional.of(1000L), Optional.of(2));

  private SessionDriver c = connect(RULES);

  private static SessionDriver connect(EnvelopePolicy rules) {
    SessionDriver d = new SessionDriver(TestSettings.defaults());
    d.send(new SessionInput.Connected(
        ClientIdentity.registered("192.0.2.7", "app-1").withEnvelope(rules)));
    d.line("EHLO client.example");
    return d;
  }

  static Stream<Arguments> senders() {
    return Stream.of(
        Arguments.of("MAIL FROM:<alice@client.example>", "250 2.1.0 Ok", ""),
        Arguments.of("MAIL FROM:<Alice@CLIENT.example>", "250 2.1.0 Ok", ""),
        Arguments.of("MAIL FROM:<>", "250 2.1.0 Ok", ""),
        Arguments.of("MAIL FROM:<Spammer@client.example>",
            "554 5.7.1 Blocked: phishing campaign 2026-12-01", "blocked-sender"),
        Arguments.of("MAIL FROM:<anyone@Bad.Example>", "554 5.7.1 Blocked: compromised domain",
            "blocked-sender-domain"),
        Arguments.of("MAIL FROM:<alice@other.example>",
            "550 5.7.1 Sender domain not allowed for this client", "sender-domain"),
        Arguments.of("MAIL FROM:<alice@client.example> SIZE=1000", "250 2.1.0 Ok", ""),
        Arguments.of("MAIL FROM:<alice@client.example> SIZE=1001",
            "552 5.3.4 Message size exceeds fixed limit", "size"),
        // policy before limits: the block is what the operator wants the client to read
        Arguments.of("MAIL FROM:<x@bad.example> SIZE=99999", "554 5.7.1 Blocked: compromised domain",
            "blocked-sender-domain"),
        // syntax before policy
        Arguments.of("MAIL FROM:<spammer@client.example", "501 5.1.7 Bad sender address syntax",
            ""));
  }

  @ParameterizedTest
  @MethodSource("senders")
  void mailIsCheckedAgainstTheRules(String command, String expected, String reason) {
    assertEquals(expected, c.reply(command));
    assertEquals(expected.startsWith("250"), c.state().transaction().isPresent());
    boolean refusal = !reason.isEmpty();
    assertEquals(refusal ? 1 : 0, reports().size(), c.effects().toString());
    if (refusal) {
      SessionRefusal r = reports().get(0);
      assertEquals(SessionRefusal.Stage.MAIL, r.stage());
      assertEquals(reason, r.reason().label());
      assertEquals(expected, r.reply().summary());
      assertEquals("app-1", r.client().clientName().orElseThrow());
      assertTrue(r.sender().orElseThrow().contains("@"));
      assertEquals(Optional.empty(), r.address());
    }
  }

  static Stream<Arguments> recipients() {
    return Stream.of(
        Arguments.of("RCPT TO:<bob@example.org>", "250 2.1.5 Ok"),
        Arguments.of("RCPT TO:<bob@Victim.Example>",
            "554 5.7.1 Blocked: complaint from victim.example postmaster"),
        Arguments.of("RCPT TO:<bob@mail.victim.example>", "250 2.1.5 Ok"),
        // the relay's own postmaster is reachable whatever the rules say
        Arguments.of("RCPT TO:<postmaster>", "250 2.1.5 Ok"));
  }

  @ParameterizedTest
  @MethodSource("recipients")
  void rcptIsCheckedAgainstTheRules(String command, String expected) {
    c.line("MAIL FROM:<alice@client.example>");
    assertEquals(expected, c.reply(command));
    if (expected.startsWith("554")) {
      SessionRefusal r = reports().get(0);
      assertEquals(SessionRefusal.Stage.RCPT, r.stage());
      assertEquals(RefusalReason.BLOCKED_RECIPIENT_DOMAIN, r.reason());
      assertEquals(Optional.of("alice@client.example"), r.sender());
      assertEquals(Optional.of("bob@victim.example"), r.address()); // A-label form, lower case
    } else {
      assertEquals(List.of(), reports());
    }
  }

  @Test
  void theClientsOwnRecipientLimitAnswers452AndIsReported() {
    c.line("MAIL FROM:<alice@client.example>");
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<a@example.org>"));
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<b@example.org>"));
    assertEquals("452 4.5.3 Too many recipients", c.reply("RCPT TO:<c@example.org>"));
    SessionRefusal r = reports().get(0);
    assertEquals(new SessionRefusal(SessionRefusal.Stage.RCPT,
        RefusalReason.RECIPIENTS_LIMIT, c.state().client().orElseThrow(),
        Optional.of("alice@client.example"), List.of("a@example.org", "b@example.org"),
        Optional.of("c@example.org"), Replies.TOO_MANY_RECIPIENTS), r);
    assertEquals(2, c.state().transaction().orElseThrow().recipients().size());
  }

  @Test
  void theClientsOwnSizeIsAdvertisedAndEnforcedOnDataAndBdat() {
    c.line("EHLO client.example");
    assertTrue(c.replies().get(0).lines().contains("SIZE 1000"), c.replies().toString());
    c.line("MAIL FROM:<alice@client.example>");
    c.line("RCPT TO:<bob@example.org>");
    c.line("DATA");
    c.send(new SessionInput.MessageOpened("Q1", AT));
    assertEquals(1000L, only(SessionEffect.ExpectData.class).maxBytes());
    assertEquals(List.of("552 5.3.4 Message size exceeds fixed limit"), c.send(
        new SessionInput.DataFinished(DataOutcome.of(new DataStats(1001, true, false, false)))));
    SessionRefusal r = reports().get(0);
    assertEquals(SessionRefusal.Stage.DATA, r.stage());
    assertEquals(RefusalReason.SIZE, r.reason());
    assertEquals(List.of("bob@example.org"), r.recipients());

    c.line("MAIL FROM:<alice@client.example>");
    c.line("RCPT TO:<bob@example.org>");
    c.line("BDAT 10 LAST");
    c.send(new SessionInput.MessageOpened("Q2", AT));
    assertEquals(1000L, only(SessionEffect.ExpectBdat.class).maxBytes());
  }

  @Test
  void aBlockAddedDuringTheSessionAppliesFromTheNextCommand() {
    java.util.concurrent.atomic.AtomicReference<EnvelopePolicy> current =
        new java.util.concurrent.atomic.AtomicReference<>(EnvelopePolicy.NONE);
    EnvelopePolicy live = new EnvelopePolicy() {
      @Override
      public Optional<EnvelopeRefusal> recipient(Mailbox recipient) {
        return current.get().recipient(recipient);
      }
    };
    c = connect(live);
    c.line("MAIL FROM:<alice@client.example>");
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<a@victim.example>"));
    current.set(RULES);
    assertEquals("554 5.7.1 Blocked: complaint from victim.example postmaster",
        c.reply("RCPT TO:<b@victim.example>"));
  }

  @Test
  void relayDeniedIsAReportedRefusal() {
    c = new SessionDriver(TestSettings.defaults());
    c.send(new SessionInput.Connected(ClientIdentity.anonymous("198.51.100.9")));
    c.line("EHLO x");
    c.line("MAIL FROM:<a@x.example>");
    assertEquals("554 5.7.1 Relay access denied", c.reply("RCPT TO:<b@example.org>"));
    SessionRefusal r = reports().get(0);
    assertEquals(Optional.empty(), r.client().clientName());
    assertEquals("198.51.100.9", r.client().remoteIp());
    assertEquals(Optional.of("b@example.org"), r.address());
    assertEquals(RefusalReason.RELAY_DENIED, r.reason());
  }

  @Test
  void aBlockAtConnectAnswers554WithTheSafeReasonAndIsReported() {
    SessionDriver d = new SessionDriver(TestSettings.defaults());
    String reason = "abuse\r\n250 ok \u00e9 " + "x".repeat(300);
    ClientIdentity who = ClientIdentity.anonymous("203.0.113.5");
    List<String> replies = d.send(new SessionInput.Refused(who, Admission.Refusal.BLOCKED, reason));
    String expected = "554 5.7.1 relay.example Blocked: abuse??250 ok ? "
        + "x".repeat(Replies.MAX_REASON_LENGTH - "abuse??250 ok ? ".length());
    assertEquals(List.of(expected), replies);
    assertEquals(SessionState.Phase.CLOSED, d.state().phase());
    SessionRefusal r = d.effects().stream()
        .filter(SessionEffect.ReportRefusal.class::isInstance)
        .map(e -> ((SessionEffect.ReportRefusal) e).refusal()).findFirst().orElseThrow();
    assertEquals(new SessionRefusal(SessionRefusal.Stage.CONNECT, RefusalReason.BLOCKED_IP,
        who, Optional.empty(),
        List.of(), Optional.empty(), d.replies().get(0)), r);
  }

  @Test
  void operatorReasonsAreMadeSafe() {
    assertEquals("by the relay operator", Replies.operatorReason(" \t "));
    assertEquals("??", Replies.operatorReason(" \r\n "));
    assertEquals("a b", Replies.operatorReason("  a \t  b  "));
    assertEquals("a?b", Replies.operatorReason("a\u0000b"));
    assertEquals(Replies.MAX_REASON_LENGTH, Replies.operatorReason("y".repeat(1000)).length());
    byte[] wire = Replies.blocked("x\r\n250 injected").encode();
    assertEquals("554 5.7.1 Blocked: x??250 injected\r\n", new String(wire,
        java.nio.charset.StandardCharsets.US_ASCII));
  }

  private List<SessionRefusal> reports() {
    return c.effects().stream().filter(SessionEffect.ReportRefusal.class::isInstance)
        .map(e -> ((SessionEffect.ReportRefusal) e).refusal()).toList();
  }

  private <T> T only(Class<T> type) {
    List<SessionEffect> of = c.effects().stream().filter(type::isInstance).toList();
    assertEquals(1, of.size(), c.effects().toString());
    return type.cast(of.get(0));
  }
}

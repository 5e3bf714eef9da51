package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import relay.protocol.address.Mailbox;
import relay.protocol.reply.Replies;

/** The session as a pure function: dialogs of inputs, with the replies and effects they give. */
class SmtpSessionTest {

  private static final Instant AT = Instant.parse("2026-11-24T10:11:12Z");
  private static final DataStats CLEAN = new DataStats(42, false, false, false);

  private SessionDriver c;

  @BeforeEach
  void connect() {
    c = new SessionDriver(TestSettings.defaults());
    assertEquals(List.of("220 relay.example ESMTP"),
        c.send(new SessionInput.Connected(ClientIdentity.registered("192.0.2.7", "app-1"))));
  }

  private void connectAnonymous() {
    c = new SessionDriver(TestSettings.defaults());
    c.send(new SessionInput.Connected(ClientIdentity.anonymous("198.51.100.9")));
  }

  private void transaction() {
    c.line("EHLO client.example");
    assertEquals("250 2.1.0 Ok", c.reply("MAIL FROM:<alice@client.example>"));
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<bob@example.org>"));
  }

  private static <T> T only(List<SessionEffect> effects, Class<T> type) {
    assertEquals(1, effects.size(), effects.toString());
    return assertInstanceOf(type, effects.get(0));
  }

  @Test
  void ehloAdvertisesExtensionsAndHeloDoesNot() {
    assertEquals(List.of("250 relay.example"), c.line("EHLO client.example"));
    assertEquals(List.of("relay.example", "PIPELINING", "SIZE 36700160", "8BITMIME",
        "ENHANCEDSTATUSCODES", "SMTPUTF8", "CHUNKING", "HELP"), c.replies().get(0).lines());
    assertEquals(List.of("250 relay.example"), c.line("HELO client.example"));
    assertEquals(List.of("relay.example"), c.replies().get(0).lines());
  }

  @Test
  void extraEhloKeywordsFromSettings() {
    c = new SessionDriver(TestSettings.with(Map.of("extra-ehlo-keywords",
        List.of("STARTTLS", "AUTH PLAIN LOGIN"))));
    c.send(new SessionInput.Connected(ClientIdentity.anonymous("192.0.2.1")));
    c.line("EHLO x");
    List<String> lines = c.replies().get(0).lines();
    assertEquals(List.of("STARTTLS", "AUTH PLAIN LOGIN"), lines.subList(lines.size() - 2,
        lines.size()));
  }

  @Test
  void acceptedMessageIsCommittedAndAnsweredOnlyWhenQueued() {
    transaction();
    assertEquals(List.of(), c.line("DATA"));
    only(c.effects(), SessionEffect.OpenMessage.class);
    assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"),
        c.send(new SessionInput.MessageOpened("Q1", AT)));
    SessionEffect.ExpectData expect = only(c.effects(), SessionEffect.ExpectData.class);
    assertEquals(36_700_160L, expect.maxBytes());
    assertEquals(new ReceivedTrace("client.example", "192.0.2.7", "ESMTP", "Q1",
        Optional.of(new Mailbox("bob", "example.org")), AT), expect.trace());

    assertEquals(List.of(), c.send(new SessionInput.DataFinished(DataOutcome.of(CLEAN))),
        "no reply before the commit completes");
    SessionEffect.CommitMessage commit = only(c.effects(), SessionEffect.CommitMessage.class);
    assertEquals(new Envelope("Q1", Optional.of(new Mailbox("alice", "client.example")),
        List.of(new Mailbox("bob", "example.org")), "client.example",
        ClientIdentity.registered("192.0.2.7", "app-1"), "ESMTP", AT, 42, false, false),
        commit.envelope());
    assertEquals(List.of("250 2.0.0 Ok: queued as Q1"),
        c.send(new SessionInput.MessageQueued("Q1")));
    assertEquals(List.of(), c.effects(), "nothing to abort after a commit");
    assertEquals("503 5.5.1 Bad sequence of commands: need MAIL command",
        c.reply("RCPT TO:<bob@example.org>"), "the transaction is over");
  }

  @Test
  void outOfSequenceCommands() {
    assertEquals("503 5.5.1 Bad sequence of commands: send EHLO/HELO first",
        c.reply("MAIL FROM:<a@b.example>"));
    c.line("EHLO client.example");
    assertEquals("503 5.5.1 Bad sequence of commands: need MAIL command",
        c.reply("RCPT TO:<bob@example.org>"));
    assertEquals("503 5.5.1 Bad sequence of commands: need MAIL command", c.reply("DATA"));
    c.line("MAIL FROM:<a@b.example>");
    assertEquals("503 5.5.1 Bad sequence of commands: need RCPT command", c.reply("DATA"));
    assertEquals("503 5.5.1 Bad sequence of commands: nested MAIL command",
        c.reply("MAIL FROM:<a@b.example>"));
    assertEquals("503 5.5.1 Bad sequence of commands: nested MAIL command",
        c.reply("MAIL garbage"), "sequence is checked before syntax");
    assertEquals(List.of(), c.effects());
  }

  @Test
  void dataAfterOnlyRefusedRecipients() {
    connectAnonymous();
    c.line("EHLO client.example");
    c.line("MAIL FROM:<a@b.example>");
    assertEquals("554 5.7.1 Relay access denied", c.reply("RCPT TO:<bob@example.org>"));
    assertEquals("554 5.5.1 No valid recipients", c.reply("DATA"));
  }

  @Test
  void addressSyntax() {
    c.line("EHLO client.example");
    assertEquals("501 5.1.7 Bad sender address syntax", c.reply("MAIL FROM:<.a@b.example>"));
    assertEquals("501 5.1.7 Bad sender address syntax", c.reply("MAIL FROM:a@b.example"));
    assertEquals("501 5.1.7 Bad sender address syntax", c.reply("MAIL FROM:<postmaster>"));
    assertEquals("553 5.6.7 Non-ASCII address requires SMTPUTF8", c.reply("MAIL FROM:<ä@b.example>"));
    assertEquals("250 2.1.0 Ok", c.reply("MAIL FROM:<>"));
    assertEquals("501 5.5.2 Bad recipient address syntax", c.reply("RCPT TO:<>"));
    assertEquals("501 5.5.2 Bad recipient address syntax", c.reply("RCPT TO:<a@b..c>"));
    assertEquals("501 5.5.2 Bad recipient address syntax", c.reply("RCPT TO:<a@b.example"));
    assertEquals("553 5.6.7 Non-ASCII address requires SMTPUTF8",
        c.reply("RCPT TO:<bob@exämple.org>"));
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<@hop.example:a%b!c@d.example>"));
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<Postmaster>"));
  }

  @Test
  void smtputf8Transaction() {
    c.line("EHLO client.example");
    assertEquals("250 2.1.0 Ok", c.reply("MAIL FROM:<ä@b.example> SMTPUTF8 BODY=8BITMIME"));
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<bob@exämple.org>"));
    c.line("DATA");
    c.send(new SessionInput.MessageOpened("Q2", AT));
    assertEquals("UTF8SMTP",
        only(c.effects(), SessionEffect.ExpectData.class).trace().protocol());
    c.send(new SessionInput.DataFinished(DataOutcome.of(CLEAN)));
    Envelope envelope = only(c.effects(), SessionEffect.CommitMessage.class).envelope();
    assertTrue(envelope.smtputf8());
    assertTrue(envelope.eightBitMime());
    assertEquals(List.of(new Mailbox("bob", "xn--exmple-cua.org")), envelope.recipients(),
        "the domain goes to DNS and to SMTP in its A-label form");
    assertEquals(Optional.of(new Mailbox("ä", "b.example")), envelope.sender());
  }

  @Test
  void parametersAndSize() {
    c.line("EHLO client.example");
    assertEquals("555 5.5.4 Parameter not recognized: RET",
        c.reply("MAIL FROM:<a@b.example> RET=FULL"));
    assertEquals("504 5.5.4 Parameter not implemented: BODY=BINARYMIME",
        c.reply("MAIL FROM:<a@b.example> BODY=BINARYMIME"));
    assertEquals("501 5.5.4 Syntax error in parameters", c.reply("MAIL FROM:<a@b.example> SIZE=x"));
    assertEquals("552 5.3.4 Message size exceeds fixed limit",
        c.reply("MAIL FROM:<a@b.example> SIZE=36700161"));
    assertEquals("250 2.1.0 Ok", c.reply("MAIL FROM:<a@b.example> SIZE=36700160"));
    assertEquals("555 5.5.4 Parameter not recognized: NOTIFY",
        c.reply("RCPT TO:<bob@example.org> NOTIFY=NEVER"));
    c.line("RSET");
    c.line("HELO client.example");
    assertEquals("555 5.5.4 Parameter not recognized: SIZE",
        c.reply("MAIL FROM:<a@b.example> SIZE=10"), "ESMTP parameters need EHLO");
  }

  @Test
  void relayPolicy() {
    connectAnonymous();
    c.line("EHLO stranger.example");
    c.line("MAIL FROM:<x@stranger.example>");
    assertEquals("554 5.7.1 Relay access denied", c.reply("RCPT TO:<victim@example.org>"));
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<postmaster>"));
    c.line("DATA");
    c.send(new SessionInput.MessageOpened("Q3", AT));
    c.send(new SessionInput.DataFinished(DataOutcome.of(CLEAN)));
    Envelope envelope = only(c.effects(), SessionEffect.CommitMessage.class).envelope();
    assertEquals(List.of(new Mailbox("hostmaster", "relay.example")), envelope.recipients(),
        "mail to <postmaster> goes to the configured postmaster mailbox");
    assertEquals(Optional.empty(), envelope.sender(),
        "an unidentified client's mail goes out with the null sender: never bounced back");
  }

  @Test
  void recipientLimitAnswers452ForEachExtraAndDoesNotCountAsError() {
    c.line("EHLO client.example");
    c.line("MAIL FROM:<a@b.example>");
    for (int i = 0; i < 100; i++) {
      assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<r" + i + "@example.org>"));
    }
    for (int i = 0; i < 20; i++) {
      assertEquals("452 4.5.3 Too many recipients", c.reply("RCPT TO:<x" + i + "@example.org>"));
    }
    assertEquals(0, c.state().errors());
    assertEquals(100, c.state().transaction().orElseThrow().recipients().size());
  }

  @Test
  void moreThanMaxErrorsCloses() {
    for (int i = 0; i < 10; i++) {
      assertEquals("500 5.5.1 Command unrecognized", c.reply("BOGUS"));
    }
    assertEquals(List.of("500 5.5.1 Command unrecognized",
        "421 4.7.0 relay.example Too many errors, closing"), c.line("BOGUS"));
    assertTrue(c.replies().get(1).closesConnection());
    only(c.effects(), SessionEffect.Close.class);
    assertEquals(List.of(), c.line("NOOP"), "a closed session ignores everything");
  }

  @Test
  void lineTooLongNulAndUnimplemented() {
    assertEquals(List.of("500 5.5.2 Line too long"), c.send(new SessionInput.LineTooLong()));
    assertEquals("500 5.5.2 Syntax error: NUL character in command", c.reply("NOOP\u0000"));
    assertEquals("502 5.5.1 Command not implemented", c.reply("EXPN staff"));
    assertEquals("252 2.1.5 Cannot VRFY user, but will accept message and attempt delivery",
        c.reply("VRFY bob"));
    assertEquals("214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT",
        c.reply("HELP"));
    assertEquals("250 2.0.0 Ok", c.reply("NOOP"));
    assertEquals("501 5.5.4 Syntax: EHLO hostname", c.reply("EHLO"));
    assertEquals(4, c.state().errors());
  }

  @Test
  void contentRefusalsAbortAndQueueNothing() {
    DataOutcome[] refused = {
        DataOutcome.of(new DataStats(99, true, false, false)),
        DataOutcome.of(new DataStats(99, false, true, false)),
        DataOutcome.of(new DataStats(99, false, false, true)),
        new DataOutcome(CLEAN, true, false),
        new DataOutcome(CLEAN, false, true)};
    String[] replies = {"552 5.3.4 Message size exceeds fixed limit",
        "554 5.6.0 Message refused: text line longer than 998 octets",
        "554 5.6.0 Message refused: bare CR or LF in message",
        "554 5.4.6 Too many Received headers: mail loop",
        "451 4.3.0 Local error in processing"};
    c.line("EHLO client.example");
    for (int i = 0; i < refused.length; i++) {
      c.line("MAIL FROM:<a@b.example>");
      c.line("RCPT TO:<bob@example.org>");
      c.line("DATA");
      c.send(new SessionInput.MessageOpened("Q" + i, AT));
      assertEquals(List.of(replies[i]), c.send(new SessionInput.DataFinished(refused[i])));
      List<SessionEffect> effects = c.effects();
      if (i == 0) { // too big is a limit: the event log hears of it, the others are faults
        SessionEffect.ReportRefusal report =
            assertInstanceOf(SessionEffect.ReportRefusal.class, effects.get(0));
        assertEquals(SessionRefusal.Stage.DATA, report.refusal().stage());
        effects = effects.subList(1, effects.size());
      }
      only(effects, SessionEffect.AbortMessage.class);
      assertTrue(c.state().transaction().isEmpty());
    }
    assertEquals(0, c.state().errors(), "content refusals are not protocol errors");
  }

  @Test
  void failedOpenOrCommitAnswers451AndTheSessionGoesOn() {
    transaction();
    c.line("DATA");
    assertEquals(List.of("451 4.3.0 Local error in processing"),
        c.send(new SessionInput.MessageFailed(Replies.LOCAL_ERROR)));
    assertEquals(List.of(), c.effects());
    transaction();
    c.line("DATA");
    c.send(new SessionInput.MessageOpened("Q5", AT));
    c.send(new SessionInput.DataFinished(DataOutcome.of(CLEAN)));
    assertEquals(List.of("451 4.3.0 Local error in processing"),
        c.send(new SessionInput.MessageFailed(Replies.LOCAL_ERROR)));
    only(c.effects(), SessionEffect.AbortMessage.class);
    assertEquals("250 2.1.0 Ok", c.reply("MAIL FROM:<a@b.example>"));
  }

  @Test
  void aCommitWhoseOutcomeIsUnknownClosesWithoutAReplyAndKeepsTheMessage() {
    transaction();
    c.line("DATA");
    c.send(new SessionInput.MessageOpened("Q7", AT));
    c.send(new SessionInput.DataFinished(DataOutcome.of(CLEAN)));
    assertEquals(List.of(), c.send(new SessionInput.MessageOutcomeUnknown()),
        "neither 250 nor a refusal");
    only(c.effects(), SessionEffect.Close.class); // no AbortMessage: the body stays
    assertEquals(SessionState.Phase.CLOSED, c.state().phase());
    assertTrue(c.state().transaction().isEmpty());
    assertEquals(List.of(), c.line("RSET"), "nothing is answered after the close");
  }

  @Test
  void bdatChunksThenLast() {
    transaction();
    assertEquals(List.of(), c.line("BDAT 10"));
    only(c.effects(), SessionEffect.OpenMessage.class);
    assertEquals(List.of(), c.send(new SessionInput.MessageOpened("Q6", AT)));
    SessionEffect.ExpectBdat first = only(c.effects(), SessionEffect.ExpectBdat.class);
    assertEquals(10, first.size());
    assertFalse(first.last());
    assertFalse(first.discard());
    assertEquals("Q6", first.startsMessage().orElseThrow().queueId());
    assertEquals(List.of("250 2.0.0 Ok: 10 octets received"), c.send(
        new SessionInput.DataFinished(DataOutcome.of(new DataStats(10, false, false, false)))));
    assertEquals("503 5.5.1 Bad sequence of commands: RCPT after BDAT",
        c.reply("RCPT TO:<carol@example.org>"));
    assertEquals("503 5.5.1 Bad sequence of commands: BDAT and DATA cannot be mixed",
        c.reply("DATA"));
    assertEquals(List.of(), c.line("BDAT 5 LAST"));
    SessionEffect.ExpectBdat second = only(c.effects(), SessionEffect.ExpectBdat.class);
    assertEquals(Optional.empty(), second.startsMessage());
    assertTrue(second.last());
    assertEquals(List.of(), c.send(
        new SessionInput.DataFinished(DataOutcome.of(new DataStats(15, false, false, false)))));
    assertEquals(15, only(c.effects(), SessionEffect.CommitMessage.class).envelope().size());
    assertEquals(List.of("250 2.0.0 Ok: queued as Q6"),
        c.send(new SessionInput.MessageQueued("Q6")));
  }

  @Test
  void refusedBdatStillConsumesItsOctets() {
    c.line("EHLO client.example");
    assertEquals(List.of(), c.line("BDAT 100 LAST"));
    SessionEffect.ExpectBdat discard = only(c.effects(), SessionEffect.ExpectBdat.class);
    assertTrue(discard.discard());
    assertEquals(100, discard.size());
    assertEquals(List.of("503 5.5.1 Bad sequence of commands: need MAIL command"), c.send(
        new SessionInput.DataFinished(DataOutcome.of(new DataStats(100, false, false, false)))));
  }

  @Test
  void bdatWithBadArgumentsConsumesItsChunkWhenItsSizeCanBeRead() {
    transaction();
    assertEquals(List.of(), c.line("BDAT 12 LAST extra"));
    SessionEffect.ExpectBdat discard = only(c.effects(), SessionEffect.ExpectBdat.class);
    assertTrue(discard.discard(), "the chunk's octets are consumed, never read as commands");
    assertEquals(12, discard.size());
    assertEquals(List.of("501 5.5.4 Syntax: BDAT chunk-size [LAST]"), c.send(
        new SessionInput.DataFinished(DataOutcome.of(new DataStats(12, false, false, false)))));
    assertEquals(Optional.empty(), c.state().transaction(), "the message went with its chunk");
    assertEquals(1, c.state().errors());
  }

  @Test
  void bdatWithAnUnreadableSizeClosesTheSession() {
    transaction();
    assertEquals(List.of("501 5.5.4 Syntax: BDAT chunk-size [LAST]; unreadable chunk size, closing"),
        c.line("BDAT 123456789012345678901234567890 LAST"));
    assertTrue(c.replies().get(0).closesConnection());
    assertInstanceOf(SessionEffect.Close.class, c.effects().get(c.effects().size() - 1));
    assertEquals(SessionState.Phase.CLOSED, c.state().phase());
    assertEquals(List.of(), c.line("QUIT"), "nothing more is read");
  }

  @Test
  void rsetQuitAndEhloAbortAnOpenBdatMessage() {
    for (String command : List.of("RSET", "EHLO again.example", "QUIT")) {
      transaction();
      c.line("BDAT 3");
      c.send(new SessionInput.MessageOpened("Q7", AT));
      c.send(new SessionInput.DataFinished(DataOutcome.of(new DataStats(3, false, false, false))));
      c.line(command);
      assertInstanceOf(SessionEffect.AbortMessage.class, c.effects().get(0), command);
    }
    assertEquals(List.of("221 2.0.0 Bye"), c.replies().stream().map(r -> r.summary()).toList());
    assertInstanceOf(SessionEffect.Close.class, c.effects().get(1));
  }

  @Test
  void idleTimeoutClosesAndAbortsContentInProgress() {
    transaction();
    c.line("DATA");
    c.send(new SessionInput.MessageOpened("Q8", AT));
    assertEquals(List.of("421 4.4.2 relay.example Idle timeout, closing"),
        c.send(new SessionInput.IdleTimeout()));
    assertEquals(2, c.effects().size());
    assertInstanceOf(SessionEffect.AbortMessage.class, c.effects().get(0));
    assertInstanceOf(SessionEffect.Close.class, c.effects().get(1));
  }

  @Test
  void shutdownWaitsForTheCommitInFlight() {
    transaction();
    c.line("DATA");
    c.send(new SessionInput.MessageOpened("Q9", AT));
    c.send(new SessionInput.DataFinished(DataOutcome.of(CLEAN)));
    assertEquals(List.of(), c.send(new SessionInput.ShuttingDown()));
    assertEquals(List.of(), c.effects());
    assertEquals(List.of("250 2.0.0 Ok: queued as Q9",
        "421 4.3.2 relay.example Service shutting down"),
        c.send(new SessionInput.MessageQueued("Q9")));
    only(c.effects(), SessionEffect.Close.class);
  }

  @Test
  void shutdownDuringDataAborts() {
    transaction();
    c.line("DATA");
    c.send(new SessionInput.MessageOpened("Q10", AT));
    assertEquals(List.of("421 4.3.2 relay.example Service shutting down"),
        c.send(new SessionInput.ShuttingDown()));
    assertInstanceOf(SessionEffect.AbortMessage.class, c.effects().get(0));
  }

  @Test
  void beforeTheGreeting() {
    SessionDriver d = new SessionDriver(TestSettings.defaults());
    assertEquals(List.of("421 4.3.0 relay.example Service temporarily unavailable, closing"),
        d.send(new SessionInput.IdentificationFailed()));
    d = new SessionDriver(TestSettings.defaults());
    assertEquals(List.of("421 4.3.2 relay.example Service shutting down"),
        d.send(new SessionInput.ShuttingDown()));
  }

  @Test
  void aClientAtItsSessionLimitIsRefusedInsteadOfGreeted() {
    SessionDriver d = new SessionDriver(TestSettings.defaults());
    assertEquals(
        List.of("421 4.4.5 relay.example Too many concurrent sessions for this client, closing"),
        d.send(new SessionInput.Refused(ClientIdentity.registered("192.0.2.7", "app-1"),
            Admission.Refusal.TOO_MANY_SESSIONS, "")));
    assertInstanceOf(SessionEffect.Close.class, d.effects().get(0));
    assertEquals(List.of(), d.line("EHLO client.example"), "nothing is answered after the 421");
  }

  @Test
  void ehloInTheMiddleResetsTheTransaction() {
    transaction();
    c.line("EHLO client.example");
    assertEquals("250 2.1.0 Ok", c.reply("MAIL FROM:<a@b.example>"));
  }
}

package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import relay.protocol.address.Mailbox;

/**
 * The session against clients that probe its limits, as dialogs on the pure state machine:
 * floods of junk commands, unidentified clients at postmaster, addresses that could never be
 * delivered, the end of a session's lifetime and refused connections.
 */
class HostileDialogTest {

  private static final Instant AT = Instant.parse("2026-12-04T10:11:12Z");
  private static final DataStats CLEAN = new DataStats(42, false, false, false);

  private static SessionDriver registered(Map<String, Object> settings) {
    SessionDriver d = new SessionDriver(TestSettings.with(settings));
    d.send(new SessionInput.Connected(ClientIdentity.registered("192.0.2.7", "app-1")));
    return d;
  }

  private static SessionDriver anonymous(Map<String, Object> settings) {
    SessionDriver d = new SessionDriver(TestSettings.with(settings));
    d.send(new SessionInput.Connected(ClientIdentity.anonymous("198.51.100.9")));
    return d;
  }

  @ParameterizedTest
  @CsvSource({"NOOP", "RSET", "HELP", "VRFY someone", "EHLO again.example", "HELO again.example"})
  void aFloodOfJunkCommandsEndsWith421(String junk) {
    SessionDriver c = registered(Map.of("max-junk-commands", 20, "max-errors", 5));
    c.line("EHLO client.example");
    for (int i = 0; i < 20; i++) {
      assertEquals(1, c.line(junk).size(), "the allowance: " + i);
    }
    assertEquals(0, c.state().errors());
    for (int i = 0; i < 5; i++) {
      c.line(junk);
    }
    assertEquals(5, c.state().errors(), "each junk command beyond the allowance is an error");
    List<String> last = c.line(junk);
    assertEquals("421 4.7.0 relay.example Too many errors, closing", last.get(last.size() - 1));
    assertEquals(SessionState.Phase.CLOSED, c.state().phase());
  }

  @Test
  void theFirstGreetingAndRealWorkAreNotJunk() {
    SessionDriver c = registered(Map.of("max-junk-commands", 0, "max-errors", 1));
    c.line("EHLO client.example");
    for (int i = 0; i < 5; i++) {
      c.line("MAIL FROM:<a@client.example>");
      c.line("RCPT TO:<b@example.org>");
      c.line("DATA");
      c.send(new SessionInput.MessageOpened("Q" + i, AT));
      c.send(new SessionInput.DataFinished(DataOutcome.of(CLEAN)));
      assertEquals(List.of("250 2.0.0 Ok: queued as Q" + i),
          c.send(new SessionInput.MessageQueued("Q" + i)));
    }
    assertEquals(0, c.state().junkCommands());
    assertEquals(0, c.state().errors());
  }

  @Test
  void recipientsBeyondTheLimitAreJunk() {
    SessionDriver c = registered(Map.of("max-recipients", 2, "max-junk-commands", 3,
        "max-errors", 2));
    c.line("EHLO client.example");
    c.line("MAIL FROM:<a@client.example>");
    c.line("RCPT TO:<b1@example.org>");
    c.line("RCPT TO:<b2@example.org>");
    for (int i = 0; i < 5; i++) {
      assertEquals("452 4.5.3 Too many recipients", c.reply("RCPT TO:<x" + i + "@example.org>"));
    }
    List<String> last = c.line("RCPT TO:<y@example.org>");
    assertEquals("421 4.7.0 relay.example Too many errors, closing", last.get(last.size() - 1));
  }

  @Test
  void anUnidentifiedClientGetsOneRecipientAndTheSmallSize() {
    SessionDriver c = anonymous(Map.of());
    c.line("EHLO stranger.example");
    assertTrue(c.replies().get(0).lines().contains("SIZE 65536"), c.replies().toString());
    assertEquals("552 5.3.4 Message size exceeds fixed limit",
        c.reply("MAIL FROM:<x@stranger.example> SIZE=65537"));
    assertEquals("250 2.1.0 Ok", c.reply("MAIL FROM:<x@stranger.example> SIZE=65536"));
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<postmaster>"));
    assertEquals("452 4.5.3 Too many recipients", c.reply("RCPT TO:<Postmaster@Relay.Example>"));
    assertEquals(List.of(), c.line("DATA"));
    assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"),
        c.send(new SessionInput.MessageOpened("Q1", AT)));
    assertEquals(65536, ((SessionEffect.ExpectData) c.effects().get(0)).maxBytes(),
        "the content is cut off at the small size too");
  }

  @Test
  void postmasterAtTheRelaysOwnNameIsPostmaster() {
    SessionDriver c = anonymous(Map.of());
    c.line("EHLO stranger.example");
    c.line("MAIL FROM:<x@stranger.example>");
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<POSTMASTER@relay.example>"));
    assertEquals(new Mailbox("hostmaster", "relay.example"),
        c.state().transaction().orElseThrow().recipients().get(0));
    c.line("RSET");
    c.line("MAIL FROM:<x@stranger.example>");
    assertEquals("554 5.7.1 Relay access denied", c.reply("RCPT TO:<postmaster@example.org>"),
        "another domain's postmaster is relaying");
  }

  @Test
  void withoutAPostmasterMailboxMailToPostmasterIsRefused() {
    SessionDriver c = anonymous(Map.of("relay.postmaster", ""));
    c.line("EHLO stranger.example");
    c.line("MAIL FROM:<x@stranger.example>");
    assertEquals("550 5.1.1 No postmaster mailbox on this relay", c.reply("RCPT TO:<postmaster>"));
  }

  @Test
  void registeredClientsMailToPostmasterKeepsItsSender() {
    SessionDriver c = registered(Map.of());
    c.line("EHLO client.example");
    c.line("MAIL FROM:<a@client.example>");
    c.line("RCPT TO:<postmaster>");
    c.line("RCPT TO:<b@example.org>");
    c.line("DATA");
    c.send(new SessionInput.MessageOpened("Q1", AT));
    c.send(new SessionInput.DataFinished(DataOutcome.of(CLEAN)));
    Envelope e = ((SessionEffect.CommitMessage) c.effects().get(0)).envelope();
    assertEquals(List.of(new Mailbox("hostmaster", "relay.example"),
        new Mailbox("b", "example.org")), e.recipients());
    assertEquals("a@client.example", e.sender().orElseThrow().address());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "RCPT TO:<b@xn--zz.example> | 553 5.1.3 Bad recipient domain: not a valid domain name",
      "RCPT TO:<b@a\u200Db.example> SMTPUTF8 | 555 5.5.4 Parameter not recognized: SMTPUTF8"})
  void recipientsThatCouldNeverBeRoutedAreRefused(String rcpt, String reply) {
    SessionDriver c = registered(Map.of());
    c.line("EHLO client.example");
    c.line("MAIL FROM:<a@client.example> SMTPUTF8");
    assertEquals(reply, c.reply(rcpt));
    assertEquals("553 5.1.3 Bad recipient domain: not a valid domain name",
        c.reply("RCPT TO:<b@a\u200Db.example>"));
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<b@bücher.example>"));
    assertEquals(new Mailbox("b", "xn--bcher-kva.example"),
        c.state().transaction().orElseThrow().recipients().get(0));
  }

  @Test
  void aSenderThatCouldNeverGetItsDsnIsRefused() {
    SessionDriver c = registered(Map.of());
    c.line("EHLO client.example");
    assertEquals("553 5.1.7 Bad sender domain: not a valid domain name",
        c.reply("MAIL FROM:<a@xn--zz.example>"));
  }

  @Test
  void whenTimeIsUpBetweenCommandsTheSessionClosesAtOnce() {
    SessionDriver c = registered(Map.of());
    c.line("EHLO client.example");
    c.line("MAIL FROM:<a@client.example>");
    assertEquals(List.of("421 4.4.2 relay.example Session time limit reached, closing"),
        c.send(new SessionInput.TimeUp()));
    assertInstanceOf(SessionEffect.Close.class, c.effects().get(c.effects().size() - 1));
  }

  @Test
  void whenTimeIsUpDuringAMessageItIsFinishedFirst() {
    SessionDriver c = registered(Map.of());
    c.line("EHLO client.example");
    c.line("MAIL FROM:<a@client.example>");
    c.line("RCPT TO:<b@example.org>");
    c.line("DATA");
    c.send(new SessionInput.MessageOpened("Q1", AT));
    assertEquals(List.of(), c.send(new SessionInput.TimeUp()));
    c.send(new SessionInput.DataFinished(DataOutcome.of(CLEAN)));
    assertEquals(List.of(), c.send(new SessionInput.TimeUp()), "committing: still waiting");
    assertEquals(List.of("250 2.0.0 Ok: queued as Q1",
        "421 4.4.2 relay.example Session time limit reached, closing"),
        c.send(new SessionInput.MessageQueued("Q1")));
  }

  @ParameterizedTest
  @EnumSource(Admission.Refusal.class)
  void everyRefusalHasItsOwnReply(Admission.Refusal refusal) {
    SessionDriver d = new SessionDriver(TestSettings.defaults());
    List<String> replies = d.send(new SessionInput.Refused(
        ClientIdentity.registered("192.0.2.7", "app-1"), refusal, "spam run\r\nEHLO x"));
    assertEquals(1, replies.size());
    String expected = switch (refusal) {
      case TOO_MANY_SESSIONS ->
          "421 4.4.5 relay.example Too many concurrent sessions for this client, closing";
      case TOO_MANY_FROM_ADDRESS ->
          "421 4.7.0 relay.example Too many connections from your address, closing";
      case TOO_MANY_UNIDENTIFIED ->
          "421 4.7.0 relay.example Too many connections from unregistered clients, closing";
      case BLOCKED, CLIENT_BLOCKED -> "554 5.7.1 relay.example Blocked: spam run??EHLO x";
      case CLIENT_SUSPENDED -> "554 5.7.1 relay.example Client suspended";
      case OUTSIDE_TEST_WINDOW ->
          "554 5.7.1 relay.example Test address outside its test window";
      case REGISTRY_INCOMPLETE ->
          "421 4.3.0 relay.example Service temporarily unavailable, closing";
      case LOCKED_OUT ->
          "421 4.7.0 relay.example Too many failed logins from your address, locked out until"
              + " spam run??EHLO x, closing";
    };
    assertEquals(expected, replies.get(0));
    assertEquals(SessionState.Phase.CLOSED, d.state().phase());
    assertEquals(List.of(refusal.reason()), d.effects().stream()
        .filter(SessionEffect.ReportRefusal.class::isInstance)
        .map(e -> ((SessionEffect.ReportRefusal) e).refusal().reason()).toList(),
        "reported with its reason");
  }
}

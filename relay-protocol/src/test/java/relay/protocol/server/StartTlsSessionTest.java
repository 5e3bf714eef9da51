package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import relay.protocol.server.ListenerSecurity.Auth;
import relay.protocol.server.ListenerSecurity.Tls;
import relay.protocol.server.SessionState.Phase;

/** STARTTLS (RFC 3207) in the pure session, on each kind of listener. */
class StartTlsSessionTest {

  private static final Instant AT = Instant.parse("2026-12-05T10:11:12Z");
  private static final String READY = "220 2.0.0 Ready to start TLS";
  private static final String MUST = "530 5.7.0 Must issue a STARTTLS command first";

  private static SessionDriver connect(Tls tls) {
    return connect(tls, TestSettings.defaults());
  }

  private static SessionDriver connect(Tls tls, SmtpServerSettings settings) {
    SessionDriver c = new SessionDriver(settings, new ListenerSecurity(tls, Auth.NONE));
    c.send(new SessionInput.Connected(ClientIdentity.registered("192.0.2.7", "app-1")));
    return c;
  }

  /** STARTTLS answered and the handshake done. */
  private static void startTls(SessionDriver c) {
    assertEquals(READY, c.reply("STARTTLS"));
    assertEquals(List.of(), c.send(new SessionInput.TlsEstablished(SessionDriver.TLS13)));
  }

  @Test
  void ehloOffersStartTlsOnlyBeforeTls() {
    SessionDriver c = connect(Tls.STARTTLS);
    assertTrue(c.replyLines("EHLO client.example").contains("STARTTLS"));
    startTls(c);
    List<String> after = c.replyLines("EHLO client.example");
    assertFalse(after.contains("STARTTLS"), after.toString());
    assertFalse(after.stream().anyMatch(l -> l.startsWith("AUTH")), "auth = none");
    assertFalse(connect(Tls.NONE).replyLines("EHLO x").contains("STARTTLS"));
    assertFalse(connect(Tls.IMPLICIT).replyLines("EHLO x").contains("STARTTLS"));
    assertTrue(connect(Tls.REQUIRED_STARTTLS).replyLines("EHLO x").contains("STARTTLS"));
  }

  @Test
  void startTlsAnswers220SwitchesAndStartsOver() {
    SessionDriver c = connect(Tls.STARTTLS);
    c.line("EHLO client.example");
    assertEquals(READY, c.reply("STARTTLS"));
    assertEquals(List.of(new SessionEffect.StartTls()), c.effects());
    assertEquals(Phase.STARTING_TLS, c.state().phase());
    assertEquals(Optional.empty(), c.state().greeting(), "RFC 3207 4.2: EHLO is forgotten");
    c.send(new SessionInput.TlsEstablished(SessionDriver.TLS13));
    assertEquals(Phase.COMMAND, c.state().phase());
    assertEquals(Optional.of(SessionDriver.TLS13), c.state().security().tls());
    assertEquals("503 5.5.1 Bad sequence of commands: send EHLO/HELO first",
        c.reply("MAIL FROM:<alice@client.example>"), "a new EHLO is needed");
  }

  @Test
  void startTlsWithoutEhloIsAllowed() {
    SessionDriver c = connect(Tls.STARTTLS);
    assertEquals(READY, c.reply("STARTTLS"));
  }

  @Test
  void startTlsRefusals() {
    SessionDriver c = connect(Tls.STARTTLS);
    c.line("EHLO client.example");
    assertEquals("501 5.5.4 Syntax: STARTTLS", c.reply("STARTTLS please"));
    c.line("MAIL FROM:<alice@client.example>");
    assertEquals("503 5.5.1 Bad sequence of commands: mail transaction in progress",
        c.reply("STARTTLS"));
    c.line("RSET");
    startTls(c);
    assertEquals("503 5.5.1 Bad sequence of commands: TLS already active", c.reply("STARTTLS"));
    assertEquals("502 5.5.1 Command not implemented", connect(Tls.NONE).reply("STARTTLS"),
        "a plain listener does not implement it");
    SessionDriver implicit = connect(Tls.IMPLICIT);
    implicit.send(new SessionInput.TlsEstablished(SessionDriver.TLS13));
    assertEquals("503 5.5.1 Bad sequence of commands: TLS already active",
        implicit.reply("STARTTLS"));
    assertEquals(List.of(), implicit.effects());
  }

  @Test
  void requiredStartTlsRefusesMailCommandsBeforeTls() {
    SessionDriver c = connect(Tls.REQUIRED_STARTTLS);
    assertTrue(c.replyLines("EHLO client.example").contains("STARTTLS"));
    for (String line : List.of("MAIL FROM:<alice@client.example>", "RCPT TO:<bob@example.org>",
        "DATA", "VRFY bob", "AUTH PLAIN", "MAIL garbage")) {
      assertEquals(MUST, c.reply(line), line);
    }
    for (String line : List.of("NOOP", "RSET", "HELO client.example")) {
      assertTrue(c.reply(line).startsWith("250 "), line);
    }
    assertTrue(c.reply("HELP").startsWith("214 "));
    assertEquals("500 5.5.1 Command unrecognized", c.reply("XYZZY"));
    c.line("BDAT 5 LAST");
    SessionEffect.ExpectBdat bdat = assertInstanceOf(SessionEffect.ExpectBdat.class,
        c.effects().get(0));
    assertTrue(bdat.discard(), "a refused BDAT's octets are consumed, never read as commands");
    assertEquals(List.of(MUST), c.send(new SessionInput.DataFinished(
        DataOutcome.of(new DataStats(5, false, false, false)))));
    startTls(c);
    c.line("EHLO client.example");
    assertEquals("250 2.1.0 Ok", c.reply("MAIL FROM:<alice@client.example>"));
    assertEquals("221 2.0.0 Bye", connect(Tls.REQUIRED_STARTTLS).reply("QUIT"));
  }

  @Test
  void refusalsBeforeTlsCountAsErrors() {
    SessionDriver c = connect(Tls.REQUIRED_STARTTLS,
        TestSettings.with(Map.of("max-errors", 3)));
    c.line("EHLO x");
    for (int i = 0; i < 3; i++) {
      assertEquals(MUST, c.reply("MAIL FROM:<a@b.example>"));
    }
    assertEquals(List.of(MUST, "421 4.7.0 relay.example Too many errors, closing"),
        c.line("MAIL FROM:<a@b.example>"));
  }

  @Test
  void nothingIsAnsweredDuringTheHandshake() {
    for (SessionInput input : List.of(new SessionInput.IdleTimeout(), new SessionInput.TimeUp(),
        new SessionInput.ShuttingDown())) {
      SessionDriver c = connect(Tls.STARTTLS);
      c.reply("STARTTLS");
      assertEquals(List.of(), c.send(input), "a reply in clear would hit the handshake");
      assertEquals(List.of(new SessionEffect.Close()), c.effects());
      assertEquals(Phase.CLOSED, c.state().phase());
    }
  }

  @Test
  void receivedRecordsTlsAndEsmtps() {
    SessionDriver c = connect(Tls.STARTTLS);
    startTls(c);
    c.line("EHLO client.example");
    c.line("MAIL FROM:<alice@client.example>");
    c.line("RCPT TO:<bob@example.org>");
    c.line("DATA");
    c.send(new SessionInput.MessageOpened("Q1", AT));
    SessionEffect.ExpectData data = assertInstanceOf(SessionEffect.ExpectData.class,
        c.effects().get(0));
    assertEquals("ESMTPS", data.trace().protocol());
    assertEquals(Optional.of(SessionDriver.TLS13), data.trace().tls());
    c.send(new SessionInput.DataFinished(DataOutcome.of(new DataStats(42, false, false,
        false))));
    SessionEffect.CommitMessage commit = assertInstanceOf(SessionEffect.CommitMessage.class,
        c.effects().get(0));
    assertEquals("ESMTPS", commit.envelope().protocol());
  }

  @Test
  void implicitTlsIsSecureFromTheStart() {
    SessionDriver c = connect(Tls.IMPLICIT);
    c.send(new SessionInput.TlsEstablished(SessionDriver.TLS13));
    assertEquals(Phase.COMMAND, c.state().phase());
    c.line("EHLO client.example");
    assertEquals("250 2.1.0 Ok", c.reply("MAIL FROM:<alice@client.example> SMTPUTF8"));
    c.line("RCPT TO:<bob@example.org>");
    c.line("DATA");
    c.send(new SessionInput.MessageOpened("Q1", AT));
    assertEquals("UTF8SMTPS", assertInstanceOf(SessionEffect.ExpectData.class,
        c.effects().get(0)).trace().protocol());
  }
}

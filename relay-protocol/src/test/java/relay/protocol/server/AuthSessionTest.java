package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import relay.protocol.server.ListenerSecurity.Auth;
import relay.protocol.server.ListenerSecurity.Tls;
import relay.protocol.server.SessionState.Phase;

/** AUTH (RFC 4954) with PLAIN and LOGIN in the pure session, every reply of the exchange. */
class AuthSessionTest {

  private static final Instant AT = Instant.parse("2026-12-05T10:11:12Z");
  private static final ClientIdentity UNKNOWN = ClientIdentity.anonymous("198.51.100.9");
  private static final ClientIdentity APP = ClientIdentity.registered("198.51.100.9", "cloud-app");
  private static final String SECRET = "s3cret-Pa55";

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static SessionDriver connect(Tls tls, Auth auth) {
    return connect(tls, auth, TestSettings.defaults());
  }

  private static SessionDriver connect(Tls tls, Auth auth, SmtpServerSettings settings) {
    SessionDriver c = new SessionDriver(settings, new ListenerSecurity(tls, auth));
    c.send(new SessionInput.Connected(UNKNOWN));
    return c;
  }

  /** A submission session over TLS after EHLO: implicit TLS, AUTH required. */
  private static SessionDriver submission() {
    return submission(TestSettings.defaults());
  }

  private static SessionDriver submission(SmtpServerSettings settings) {
    SessionDriver c = connect(Tls.IMPLICIT, Auth.REQUIRED, settings);
    c.send(new SessionInput.TlsEstablished(SessionDriver.TLS13));
    c.line("EHLO client.example");
    return c;
  }

  private static SessionEffect.Authenticate asked(SessionDriver c) {
    assertEquals(Phase.AUTHENTICATING, c.state().phase());
    assertEquals(1, c.effects().size(), c.effects().toString());
    return assertInstanceOf(SessionEffect.Authenticate.class, c.effects().get(0));
  }

  private static List<String> verdict(SessionDriver c, AuthOutcome outcome) {
    return c.send(new SessionInput.AuthFinished(outcome));
  }

  private static AuthOutcome ok() {
    return new AuthOutcome.Authenticated(new Admission.Admitted(APP, SessionSlot.NONE));
  }

  @Test
  void offeredOnlyOverTls() {
    SessionDriver c = connect(Tls.STARTTLS, Auth.OPTIONAL);
    List<String> before = c.replyLines("EHLO client.example");
    assertFalse(before.stream().anyMatch(l -> l.startsWith("AUTH")), before.toString());
    assertEquals("538 5.7.11 Encryption required for requested authentication mechanism",
        c.reply("AUTH PLAIN " + b64("\0user\0" + SECRET)));
    assertEquals(List.of(), c.effects(), "nothing sent in clear is ever checked");
    c.reply("STARTTLS");
    c.send(new SessionInput.TlsEstablished(SessionDriver.TLS13));
    List<String> after = c.replyLines("EHLO client.example");
    assertTrue(after.contains("AUTH PLAIN LOGIN"));
    assertTrue(before.contains("SIZE 65536"), "an unidentified client's limit in clear");
    assertTrue(after.contains("SIZE 36700160"), "where it may log in: the limit it will have");
    assertEquals("502 5.5.1 Command not implemented",
        connect(Tls.IMPLICIT, Auth.NONE).reply("AUTH PLAIN"), "auth = none");
  }

  @Test
  void plainWithInitialResponse() {
    SessionDriver c = submission();
    assertEquals(List.of(), c.line("AUTH PLAIN " + b64("\0user@example\0" + SECRET)));
    assertEquals(new SessionEffect.Authenticate("", "user@example", SECRET), asked(c));
    assertFalse(c.state().toString().contains(SECRET), "the password is not kept");
    assertEquals(List.of("235 2.7.0 Authentication successful"), verdict(c, ok()));
    assertEquals(Optional.of(APP), c.state().client(), "the session is now the client");
    assertTrue(c.state().security().authenticated());
    assertEquals("250 2.1.0 Ok", c.reply("MAIL FROM:<alice@client.example> AUTH=<>"));
    assertEquals("250 2.1.5 Ok", c.reply("RCPT TO:<bob@example.org>"),
        "the authenticated client may relay");
    c.line("DATA");
    c.send(new SessionInput.MessageOpened("Q1", AT));
    ReceivedTrace trace = assertInstanceOf(SessionEffect.ExpectData.class, c.effects().get(0))
        .trace();
    assertEquals("ESMTPSA", trace.protocol());
  }

  @Test
  void plainWithAuthorizationIdAndEmptyChallenge() {
    SessionDriver c = submission();
    assertEquals(List.of("334 "), c.line("AUTH PLAIN"));
    assertEquals(Phase.AUTH, c.state().phase());
    assertEquals(List.of(), c.send(new SessionInput.SaslResponse(
        b64("admin\0user\0" + SECRET))));
    assertEquals(new SessionEffect.Authenticate("admin", "user", SECRET), asked(c));
    assertEquals("SaslResponse[****]", new SessionInput.SaslResponse(b64(SECRET)).toString());
    assertEquals("Authenticate[****]", asked(c).toString());
  }

  @Test
  void loginAsksForUserNameAndPassword() {
    SessionDriver c = submission();
    assertEquals(List.of("334 VXNlcm5hbWU6"), c.line("AUTH LOGIN"));
    assertEquals(List.of("334 UGFzc3dvcmQ6"),
        c.send(new SessionInput.SaslResponse(b64("user"))));
    assertFalse(c.state().toString().contains(SECRET));
    assertEquals(List.of(), c.send(new SessionInput.SaslResponse(b64(SECRET))));
    assertEquals(new SessionEffect.Authenticate("", "user", SECRET), asked(c));
    assertEquals(Optional.empty(), c.state().security().exchange());

    SessionDriver d = submission();
    assertEquals(List.of("334 UGFzc3dvcmQ6"), d.line("AUTH login " + b64("user")),
        "an initial response is the user name");
    d.send(new SessionInput.SaslResponse(b64(SECRET)));
    assertEquals(new SessionEffect.Authenticate("", "user", SECRET), asked(d));
  }

  @Test
  void cancelAndMalformedResponses() {
    SessionDriver c = submission(TestSettings.with(Map.of("max-errors", 100)));
    c.line("AUTH LOGIN");
    assertEquals(List.of("501 5.0.0 Authentication cancelled"),
        c.send(new SessionInput.SaslResponse("*")));
    assertEquals(Phase.COMMAND, c.state().phase());
    String malformed = "501 5.5.2 Cannot decode authentication response";
    c.line("AUTH PLAIN");
    assertEquals(List.of(malformed), c.send(new SessionInput.SaslResponse("not base64!")));
    for (String blob : List.of("user" + SECRET, "\0user" + SECRET, "\0\0" + SECRET,
        "\0user\0", "a\0b\0c\0d", "")) {
      assertEquals(malformed, c.reply("AUTH PLAIN " + (blob.isEmpty() ? "=" : b64(blob))),
          blob.replace('\0', '|'));
    }
    assertEquals(malformed, c.reply("AUTH PLAIN %%%%"));
    assertEquals(malformed, c.reply("AUTH LOGIN ="), "an empty user name");
    c.line("AUTH LOGIN");
    assertEquals(List.of(malformed), c.send(new SessionInput.SaslResponse("=")));
    c.line("AUTH LOGIN");
    assertEquals(List.of("500 5.5.6 Authentication exchange line is too long"),
        c.send(new SessionInput.LineTooLong()));
    assertEquals(Phase.COMMAND, c.state().phase());
    byte[] latin1 = {(byte) 0xe9, 0, 'u', 0, 'p'};
    assertEquals(malformed, c.reply("AUTH PLAIN " + Base64.getEncoder().encodeToString(latin1)),
        "not UTF-8");
  }

  @Test
  void commandRefusals() {
    SessionDriver c = submission();
    assertEquals("504 5.5.4 Unrecognized authentication mechanism", c.reply("AUTH CRAM-MD5"));
    assertEquals("501 5.5.4 Syntax: AUTH mechanism [initial-response]", c.reply("AUTH"));
    assertEquals("501 5.5.4 Syntax: AUTH mechanism [initial-response]", c.reply("AUTH PLAIN a b"));
    c.line("AUTH PLAIN " + b64("\0user\0" + SECRET));
    verdict(c, ok());
    assertEquals("503 5.5.1 Bad sequence of commands: already authenticated",
        c.reply("AUTH PLAIN " + b64("\0user\0" + SECRET)));

    SessionDriver optional = connect(Tls.IMPLICIT, Auth.OPTIONAL);
    optional.send(new SessionInput.TlsEstablished(SessionDriver.TLS13));
    assertEquals("503 5.5.1 Bad sequence of commands: send EHLO/HELO first",
        optional.reply("AUTH LOGIN"));
    optional.line("EHLO client.example");
    optional.line("MAIL FROM:<alice@client.example>");
    assertEquals("503 5.5.1 Bad sequence of commands: mail transaction in progress",
        optional.reply("AUTH LOGIN"));
  }

  @Test
  void verdicts() {
    SessionDriver c = submission();
    c.line("AUTH PLAIN " + b64("\0user\0wrong"));
    assertEquals(List.of("535 5.7.8 Authentication credentials invalid"),
        verdict(c, new AuthOutcome.InvalidCredentials()));
    assertFalse(c.state().security().authenticated());
    assertEquals(Optional.of(UNKNOWN), c.state().client());
    c.line("AUTH PLAIN " + b64("\0user\0" + SECRET));
    assertEquals(List.of("454 4.7.0 Temporary authentication failure"),
        c.send(new SessionInput.AuthUnavailable()));
    assertEquals(Phase.COMMAND, c.state().phase());

    c.line("AUTH PLAIN " + b64("\0user\0" + SECRET));
    assertEquals(List.of("554 5.7.1 relay.example Client suspended"), verdict(c,
        new AuthOutcome.Refused(new Admission.Refused(APP, Admission.Refusal.CLIENT_SUSPENDED))));
    SessionEffect.ReportRefusal report = assertInstanceOf(SessionEffect.ReportRefusal.class,
        c.effects().get(0));
    assertEquals(SessionRefusal.Stage.AUTH, report.refusal().stage());
    assertEquals(RefusalReason.SUSPENDED, report.refusal().reason());
    assertEquals(APP, report.refusal().client());
    assertFalse(c.state().security().authenticated(), "refused: still nobody");

    c.line("AUTH PLAIN " + b64("\0user\0" + SECRET));
    assertEquals(List.of("421 4.4.5 relay.example Too many concurrent sessions for this client,"
        + " closing"), verdict(c, new AuthOutcome.Refused(
            new Admission.Refused(APP, Admission.Refusal.TOO_MANY_SESSIONS))));
    assertEquals(Phase.CLOSED, c.state().phase());

    SessionDriver locked = submission();
    locked.line("AUTH LOGIN " + b64("user"));
    locked.send(new SessionInput.SaslResponse(b64("guess")));
    assertEquals(List.of("421 4.7.0 relay.example Too many failed logins from your address,"
            + " locked out until 2026-12-05T10:41:12Z, closing"),
        verdict(locked, new AuthOutcome.LockedOut(AT.plusSeconds(1800).plusMillis(300))));
    assertTrue(locked.effects().contains(new SessionEffect.Close()));
    SessionEffect.ReportRefusal lockout = (SessionEffect.ReportRefusal) locked.effects().stream()
        .filter(SessionEffect.ReportRefusal.class::isInstance).findFirst().orElseThrow();
    assertEquals(List.of(SessionRefusal.Stage.AUTH, RefusalReason.LOCKED_OUT),
        List.of(lockout.refusal().stage(), lockout.refusal().reason()),
        "in the event log and the metrics as locked-out");
  }

  @Test
  void failedLoginsCountTowardMaxErrors() {
    SessionDriver c = submission(TestSettings.with(Map.of("max-errors", 2)));
    c.line("AUTH PLAIN " + b64("\0user\0a"));
    verdict(c, new AuthOutcome.InvalidCredentials());
    c.line("AUTH PLAIN " + b64("\0user\0b"));
    verdict(c, new AuthOutcome.InvalidCredentials());
    c.line("AUTH PLAIN " + b64("\0user\0c"));
    assertEquals(List.of("535 5.7.8 Authentication credentials invalid",
        "421 4.7.0 relay.example Too many errors, closing"),
        verdict(c, new AuthOutcome.InvalidCredentials()));
  }

  @Test
  void requiredAuthRefusesMailCommandsFirst() {
    SessionDriver c = connect(Tls.STARTTLS, Auth.REQUIRED);
    c.send(new SessionInput.Connected(ClientIdentity.registered("192.0.2.7", "copier")));
    c.line("EHLO client.example");
    String required = "530 5.7.0 Authentication required";
    assertEquals(required, c.reply("MAIL FROM:<alice@client.example>"),
        "a registered address does not replace AUTH on a submission port");
    c.reply("STARTTLS");
    c.send(new SessionInput.TlsEstablished(SessionDriver.TLS13));
    c.line("EHLO client.example");
    for (String line : List.of("MAIL FROM:<alice@client.example>", "RCPT TO:<bob@example.org>",
        "DATA", "VRFY bob")) {
      assertEquals(required, c.reply(line), line);
    }
    for (String line : List.of("NOOP", "RSET")) {
      assertEquals("250 2.0.0 Ok", c.reply(line));
    }
    c.line("AUTH PLAIN " + b64("\0user\0" + SECRET));
    verdict(c, ok());
    assertEquals("250 2.1.0 Ok", c.reply("MAIL FROM:<alice@client.example>"));
  }

  @Test
  void optionalAuthLetsRegisteredAddressesSend() {
    SessionDriver c = new SessionDriver(TestSettings.defaults(),
        new ListenerSecurity(Tls.STARTTLS, Auth.OPTIONAL));
    c.send(new SessionInput.Connected(ClientIdentity.registered("192.0.2.7", "copier")));
    c.line("EHLO client.example");
    assertEquals("250 2.1.0 Ok", c.reply("MAIL FROM:<alice@client.example>"));
  }

  @Test
  void listenerSettingsAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ListenerSecurity.parse("smtp", "none", "required"));
    assertTrue(e.getMessage().contains("relay.listeners[smtp]")
        && e.getMessage().contains("only offered over TLS"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ListenerSecurity.parse("sub", "tls", "none"));
    assertEquals("relay.listeners[sub].tls = \"tls\" is not one of "
        + "none | starttls | required-starttls | implicit", e.getMessage());
    assertEquals(new ListenerSecurity(Tls.REQUIRED_STARTTLS, Auth.OPTIONAL),
        ListenerSecurity.parse("x", "required-starttls", "optional"));
  }
}

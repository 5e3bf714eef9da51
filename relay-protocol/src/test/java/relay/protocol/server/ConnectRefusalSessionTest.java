package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A 554 instead of the greeting, as the pure session plays it (RFC 5321 3.1): given a place to
 * wait, the session waits for QUIT and answers 503 5.5.1 to everything else, up to max-errors;
 * without one, and after any 421, it closes right after the reply.
 */
class ConnectRefusalSessionTest {

  private static final ClientIdentity BLOCKED_CLIENT =
      ClientIdentity.registered("192.0.2.7", "app-1");

  private static SessionDriver refusedAndWaiting(SmtpServerSettings settings) {
    SessionDriver d = new SessionDriver(settings);
    assertEquals(List.of("554 5.7.1 relay.example Blocked: spam run"), d.send(
        new SessionInput.Refused(BLOCKED_CLIENT, Admission.Refusal.BLOCKED, "spam run", true)));
    assertEquals(SessionState.Phase.REFUSED, d.state().phase());
    assertTrue(d.effects().stream().noneMatch(SessionEffect.Close.class::isInstance));
    assertInstanceOf(SessionEffect.ReportRefusal.class, d.effects().get(0), "reported once");
    return d;
  }

  @ParameterizedTest
  @ValueSource(strings = {"EHLO client.example", "HELO client.example", "MAIL FROM:<a@b.example>",
      "RCPT TO:<x@y.example>", "DATA", "BDAT 10 LAST", "RSET", "NOOP", "HELP", "VRFY x",
      "STARTTLS", "AUTH PLAIN", "XYZZY", "QUIT now", ""})
  void everyCommandButQuitGets503AndNothingHappens(String line) {
    SessionDriver d = refusedAndWaiting(TestSettings.defaults());
    assertEquals("503 5.5.1 Bad sequence of commands: connection refused, send QUIT",
        d.reply(line));
    assertEquals(SessionState.Phase.REFUSED, d.state().phase());
    assertEquals(List.of(), d.effects(), "no message opened, nothing reported");
    assertEquals(Optional.empty(), d.state().greeting());
  }

  @Test
  void quitIsAnswered221AndCloses() {
    SessionDriver d = refusedAndWaiting(TestSettings.defaults());
    d.reply("EHLO client.example");
    assertEquals("221 2.0.0 Bye", d.reply("QUIT"));
    assertEquals(SessionState.Phase.CLOSED, d.state().phase());
    assertInstanceOf(SessionEffect.Close.class, d.effects().get(d.effects().size() - 1));
  }

  @Test
  void aLineTooLongIs503Too() {
    SessionDriver d = refusedAndWaiting(TestSettings.defaults());
    assertEquals(List.of("503 5.5.1 Bad sequence of commands: connection refused, send QUIT"),
        d.send(new SessionInput.LineTooLong()));
  }

  @Test
  void maxErrorsCommandsEndTheWaitWith421() {
    SessionDriver d = refusedAndWaiting(TestSettings.with(Map.of("max-errors", 3)));
    // the 554 is the first error: two 503s more reach max-errors, the third goes beyond it
    assertEquals("503 5.5.1 Bad sequence of commands: connection refused, send QUIT",
        d.reply("NOOP"));
    assertEquals("503 5.5.1 Bad sequence of commands: connection refused, send QUIT",
        d.reply("NOOP"));
    assertEquals(List.of("503 5.5.1 Bad sequence of commands: connection refused, send QUIT",
        "421 4.7.0 relay.example Too many errors, closing"), d.line("NOOP"));
    assertEquals(SessionState.Phase.CLOSED, d.state().phase());
  }

  @Test
  void timeoutsAndShutdownEndTheWait() {
    SessionDriver idle = refusedAndWaiting(TestSettings.defaults());
    assertEquals(List.of("421 4.4.2 relay.example Idle timeout, closing"),
        idle.send(new SessionInput.IdleTimeout()));
    assertEquals(SessionState.Phase.CLOSED, idle.state().phase());
    SessionDriver shutdown = refusedAndWaiting(TestSettings.defaults());
    assertEquals(List.of("421 4.3.2 relay.example Service shutting down"),
        shutdown.send(new SessionInput.ShuttingDown()));
    SessionDriver lifetime = refusedAndWaiting(TestSettings.defaults());
    assertEquals(List.of("421 4.4.2 relay.example Session time limit reached, closing"),
        lifetime.send(new SessionInput.TimeUp()));
  }

  @ParameterizedTest
  @EnumSource(Admission.Refusal.class)
  void withoutAPlaceToWaitEveryRefusalClosesAfterItsReply(Admission.Refusal refusal) {
    SessionDriver d = new SessionDriver(TestSettings.defaults());
    List<String> replies = d.send(new SessionInput.Refused(BLOCKED_CLIENT, refusal, "x"));
    assertEquals(1, replies.size());
    assertEquals(refusal.permanent() ? "554" : "421", replies.get(0).substring(0, 3));
    assertEquals(SessionState.Phase.CLOSED, d.state().phase());
  }

  @Test
  void aLockedOutAddressIsToldWhenTheLockoutEndsAndClosed() {
    SessionDriver d = new SessionDriver(TestSettings.defaults());
    Admission.Refused refused = Admission.lockedOut(BLOCKED_CLIENT,
        Instant.parse("2026-12-05T14:30:00.250Z"));
    assertEquals(List.of("421 4.7.0 relay.example Too many failed logins from your address,"
        + " locked out until 2026-12-05T14:30:00Z, closing"), d.send(new SessionInput.Refused(refused.client(),
            refused.refusal(), refused.reason(), true)));
    assertEquals(SessionState.Phase.CLOSED, d.state().phase(), "a 421 never waits for QUIT");
    SessionEffect.ReportRefusal report = (SessionEffect.ReportRefusal) d.effects().stream()
        .filter(SessionEffect.ReportRefusal.class::isInstance).findFirst().orElseThrow();
    assertEquals(RefusalReason.LOCKED_OUT, report.refusal().reason());
    assertEquals("locked-out", report.refusal().reason().label());
  }

  @ParameterizedTest
  @EnumSource(value = Admission.Refusal.class,
      names = {"TOO_MANY_SESSIONS", "TOO_MANY_FROM_ADDRESS", "TOO_MANY_UNIDENTIFIED",
          "REGISTRY_INCOMPLETE", "LOCKED_OUT"})
  void a421NeverWaits(Admission.Refusal refusal) {
    SessionDriver d = new SessionDriver(TestSettings.defaults());
    d.send(new SessionInput.Refused(BLOCKED_CLIENT, refusal, "", true));
    assertEquals(SessionState.Phase.CLOSED, d.state().phase());
    assertThrows(IllegalArgumentException.class, () -> new Admission.Refused(BLOCKED_CLIENT,
        refusal, "", Optional.of(SessionSlot.NONE)), "the policy cannot ask for it either");
  }
}

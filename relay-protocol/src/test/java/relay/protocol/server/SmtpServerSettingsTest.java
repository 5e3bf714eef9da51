package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmtpServerSettingsTest {

  @Test
  void defaultsFromReferenceConf() {
    SmtpServerSettings s = SmtpServerSettings.fromConfig(ConfigFactory.defaultReference());
    assertTrue(s.hostname().equals("localhost") || System.getenv("RELAY_HOSTNAME") != null);
    assertEquals(35L * 1024 * 1024, s.maxMessageSize());
    assertEquals(100, s.maxRecipients());
    assertEquals(10, s.maxErrors());
    assertEquals(100, s.maxJunkCommands());
    assertEquals(new SmtpServerSettings.Timeouts(Duration.ofMinutes(5), Duration.ofMinutes(3),
        2048, Duration.ofHours(1), Duration.ofMinutes(2)), s.timeouts());
    assertEquals(64 * 1024, s.maxPendingOutput());
    assertEquals(64 * 1024, s.socketSendBuffer());
    assertEquals(1024, s.acceptBacklog());
    assertEquals(4000, s.maxConnections());
    assertEquals(new SmtpServerSettings.Unidentified(1000, 10, 64 * 1024, 10), s.unidentified());
    assertTrue(s.postmaster().isEmpty() || System.getenv("RELAY_POSTMASTER") != null);
    assertEquals(512, s.maxCommandLine());
    assertEquals(1000, s.maxTextLine());
    assertEquals(100, s.maxReceivedHeaders());
    assertEquals(List.of(), s.extraEhloKeywords());
  }

  @Test
  void valuesOutsideTheirBoundsAreRejectedAtStart() {
    for (Map<String, Object> bad : List.<Map<String, Object>>of(
        Map.of("max-command-line", 511), Map.of("max-text-line", 999),
        Map.of("max-recipients", 0), Map.of("max-errors", 0), Map.of("command-timeout", "0s"),
        Map.of("data-timeout", "2h"), Map.of("max-message-size", 100),
        Map.of("max-received-headers", 0), Map.of("hostname", "not a host"),
        Map.of("hostname", "-bad.example"), Map.of("extra-ehlo-keywords", List.of("AUTH\r\nX")),
        Map.of("extra-ehlo-keywords", List.of("")), Map.of("min-data-rate", 0),
        Map.of("max-session-time", "0s"), Map.of("write-timeout", "2h"),
        Map.of("max-junk-commands", -1), Map.of("max-pending-output", 100),
        Map.of("max-connections", 0), Map.of("unidentified.max-connections", 0),
        Map.of("socket-send-buffer", 100), Map.of("accept-backlog", 0),
        Map.of("unidentified.max-connections-per-address", 0),
        Map.of("unidentified.max-message-size", 10),
        Map.of("unidentified.messages-per-hour", -1))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TestSettings.with(bad), bad.toString());
      assertTrue(e.getMessage().startsWith("relay.smtp.server."), e.getMessage());
    }
  }

  @Test
  void overridesAreRead() {
    SmtpServerSettings s = TestSettings.with(Map.of("max-message-size", "10MiB",
        "command-timeout", "30s", "extra-ehlo-keywords", List.of("STARTTLS")));
    assertEquals(10L * 1024 * 1024, s.maxMessageSize());
    assertEquals(Duration.ofSeconds(30), s.timeouts().command());
    assertEquals(List.of("STARTTLS"), s.extraEhloKeywords());
    assertEquals("relay.example", s.hostname());
    assertEquals("mx.example", s.withHostname("mx.example").hostname());
  }

  @Test
  void postmasterIsAMailboxOrNothing() {
    assertEquals("hostmaster@relay.example",
        TestSettings.defaults().postmaster().orElseThrow().address());
    assertTrue(TestSettings.with(Map.of("relay.postmaster", "")).postmaster().isEmpty());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TestSettings.with(Map.of("relay.postmaster", "not an address")));
    assertTrue(e.getMessage().startsWith("relay.postmaster"), e.getMessage());
  }

  @Test
  void limitsDependOnWhoTheClientIs() {
    SmtpServerSettings s = TestSettings.defaults();
    assertEquals(new SessionLimits(35L * 1024 * 1024, 100),
        s.limitsFor(ClientIdentity.registered("192.0.2.1", "app")));
    assertEquals(new SessionLimits(64 * 1024, 1),
        s.limitsFor(ClientIdentity.anonymous("192.0.2.1")));
  }

  @Test
  void contentMayTakeDataTimeoutPlusItsOctetsAtTheMinimumRate() {
    SmtpServerSettings.Timeouts t = TestSettings.defaults().timeouts();
    assertEquals(Duration.ofMinutes(3), t.contentAllowance(0));
    assertEquals(Duration.ofMinutes(3).plusSeconds(512), t.contentAllowance(1024 * 1024));
  }
}

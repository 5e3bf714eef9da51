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
    SmtpServerSettings s = SmtpServerSettings.fromConfig(
        ConfigFactory.defaultReference().getConfig("relay.smtp.server"));
    assertTrue(s.hostname().equals("localhost") || System.getenv("RELAY_HOSTNAME") != null);
    assertEquals(35L * 1024 * 1024, s.maxMessageSize());
    assertEquals(100, s.maxRecipients());
    assertEquals(10, s.maxErrors());
    assertEquals(Duration.ofMinutes(5), s.commandTimeout());
    assertEquals(Duration.ofMinutes(3), s.dataTimeout());
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
        Map.of("extra-ehlo-keywords", List.of(""))) ) {
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
    assertEquals(Duration.ofSeconds(30), s.commandTimeout());
    assertEquals(List.of("STARTTLS"), s.extraEhloKeywords());
    assertEquals("relay.example", s.hostname());
    assertEquals("mx.example", s.withHostname("mx.example").hostname());
  }
}

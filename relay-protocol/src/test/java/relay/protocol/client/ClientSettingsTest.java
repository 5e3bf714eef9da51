package relay.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** relay.smtp.client: helo-name is honoured when set, and attempt-timeout is read and bounded. */
class ClientSettingsTest {

  private static ClientSettings load(String hocon, String relayHostname) {
    return ClientSettings.fromConfig(ConfigFactory.parseString(hocon)
        .withFallback(ConfigFactory.defaultReference()).getConfig("relay.smtp.client"), relayHostname);
  }

  @Test
  void heloNameFallsBackToTheRelaysHostnameOnlyWhenEmpty() {
    assertEquals("relay.example", load("", "relay.example").heloName());
    assertEquals("out.example", load("relay.smtp.client.helo-name = \"out.example\"", "relay.example").heloName());
    assertEquals("out.example", load("relay.smtp.client.helo-name = \" out.example \"", "relay.example").heloName());
  }

  @Test
  void attemptTimeoutIsReadWithItsBounds() {
    assertEquals(Duration.ofMinutes(15), ClientSettings.defaults().attemptTimeout());
    assertEquals(Duration.ofSeconds(90), load("relay.smtp.client.attempt-timeout = 90s", "r.example").attemptTimeout());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> load("relay.smtp.client.attempt-timeout = 5h", "r.example"));
    assertTrue(e.getMessage().startsWith("relay.smtp.client.attempt-timeout = PT5H is outside"), e.getMessage());
  }
}

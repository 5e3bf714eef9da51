package relay.node.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The names a greeting must not carry: the relay's own, lower case, but never "localhost"-like
 * or dotless names, which unconfigured servers greet with and would make every delivery a loop.
 */
class LoopNamesTest {

  @Test
  void ownNamesButNotTheOnesEveryUnconfiguredServerUses() {
    assertEquals(Set.of("relay.example.com", "out.example.com"),
        SmtpDeliveryTransport.loopNames("Relay.Example.COM", "out.example.com"));
    assertEquals(Set.of(), SmtpDeliveryTransport.loopNames("localhost", "localhost.localdomain"));
    assertEquals(Set.of(), SmtpDeliveryTransport.loopNames("relay", "[192.0.2.1]"));
  }
}

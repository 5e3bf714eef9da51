package relay.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What may go out in MAIL FROM / RCPT TO: exactly the mailboxes the inbound side accepts. */
class OutboundEnvelopeTest {

  @ParameterizedTest
  @ValueSource(strings = {"a@d.test", "\"a>b\"@d.test", "\"a<b>\"@d.test", "\"a b\"@d.test",
      "j\u00f6rg@d.test", "a@[192.0.2.1]", "x@xn--bcher-kva.example"})
  void mailboxesThatTheRelayAcceptsCanBeSent(String mailbox) {
    OutboundEnvelope e = new OutboundEnvelope(mailbox, List.of(mailbox), 10, false, true);
    assertEquals(List.of(mailbox), e.recipients());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a>b@d.test", "a@d.test>\r\nRSET", "a@d.test\r\nDATA", "", "a",
      "<a@d.test>", "a@d.test> NOTIFY=NEVER"})
  void anythingElseIsRefusedBeforeItReachesTheWire(String path) {
    assertThrows(IllegalArgumentException.class,
        () -> new OutboundEnvelope("s@o.test", List.of(path), 10, false, false));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "s@o.test", "\"s>t\"@o.test"})
  void theNullSenderAndMailboxesAreSenders(String sender) {
    assertEquals(sender, new OutboundEnvelope(sender, List.of("a@d.test"), 10, false, false)
        .mailFrom());
  }
}

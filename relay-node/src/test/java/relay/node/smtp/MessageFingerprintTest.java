package relay.node.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import relay.protocol.address.Mailbox;
import relay.protocol.server.ClientIdentity;
import relay.protocol.server.Envelope;

/** What makes two submissions the same client message for one domain, and what does not. */
class MessageFingerprintTest {

  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
  private static final Mailbox SENDER = new Mailbox("alice", "client.example");

  private static Envelope envelope(String queueId, Optional<String> digest, String client,
      Instant at) {
    return new Envelope(queueId, Optional.of(SENDER), List.of(), "helo.example",
        ClientIdentity.registered("192.0.2.1", client), "ESMTP", at, 100, false, false, digest);
  }

  private static String fingerprint(Envelope e, String... rcpts) {
    return MessageFingerprint.of(e, List.of(rcpts)).orElseThrow();
  }

  @Test
  void theSameMessageRetriedIsTheSameWhateverTheQueueIdTimeOrRecipientOrder() {
    Envelope first = envelope("Q1", Optional.of("d1"), "app", T);
    Envelope retry = envelope("Q2", Optional.of("d1"), "app", T.plusSeconds(600));
    String a = fingerprint(first, "a@d.example", "b@d.example");
    assertEquals(a, fingerprint(retry, "b@d.example", "a@d.example"));
    assertEquals(43, a.length());
  }

  @Test
  void contentRecipientsSenderAndClientEachMakeAnotherMessage() {
    Envelope e = envelope("Q1", Optional.of("d1"), "app", T);
    String a = fingerprint(e, "a@d.example");
    assertNotEquals(a, fingerprint(envelope("Q1", Optional.of("d2"), "app", T), "a@d.example"));
    assertNotEquals(a, fingerprint(e, "a@d.example", "b@d.example"));
    assertNotEquals(a, fingerprint(envelope("Q1", Optional.of("d1"), "other-app", T),
        "a@d.example"));
    Envelope nullSender = new Envelope("Q1", Optional.empty(), List.of(), "helo.example",
        ClientIdentity.registered("192.0.2.1", "app"), "ESMTP", T, 100, false, false,
        Optional.of("d1"));
    assertNotEquals(a, fingerprint(nullSender, "a@d.example"));
    assertNotEquals(fingerprint(e, "ab@d.example"), fingerprint(e, "a", "b@d.example"),
        "fields are separated, not concatenated");
  }

  @Test
  void noDigestNoFingerprint() {
    assertEquals(Optional.empty(), MessageFingerprint.of(
        envelope("Q1", Optional.empty(), "app", T), List.of("a@d.example")));
  }
}

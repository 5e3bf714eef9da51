package relay.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.testing.ReceivedMessage;
import relay.testing.SmtpSink;
import relay.testing.TestCertificates;

/**
 * STARTTLS on the client side (RFC 3207) against the test sink's real TLS server over loopback
 * sockets: what each {@link TlsPolicy} does with a server that offers TLS with a certificate
 * that verifies, one valid for another name, one from an unknown issuer, a server without
 * STARTTLS and one whose handshake fails. Nothing of a transaction may reach the sink in clear
 * when the policy requires TLS.
 */
class StartTlsClientTest {

  private static final ClientSettings SETTINGS =
      ClientSettings.defaults().withHeloName("relay.test").withReplyTimeouts(Duration.ofSeconds(5));
  private static final String MESSAGE = "Subject: tls\r\n\r\nOver TLS\r\n";

  @TempDir
  static Path dir;
  private static TestCertificates cert;
  private static ClientTls trusting;
  private SmtpSink sink;

  @BeforeAll
  static void certificates() throws Exception {
    cert = TestCertificates.create(dir, "mx", "mx.sink.test", "mx.sink.test");
    trusting = ClientTls.create(ClientTlsSettings.defaults().withTrustStore(cert.trustStore(), cert.password()));
  }

  @AfterEach
  void stop() {
    if (sink != null) {
      sink.close();
    }
  }

  private SmtpClientConnection open(String name, ClientTls tls, TlsPolicy policy) throws SmtpClientException {
    return SmtpClientConnection.open(sink.address(), name, SETTINGS, Deadline.after(Duration.ofSeconds(20)),
        Set.of(), tls, policy);
  }

  private static TransactionResult send(SmtpClientConnection c) throws SmtpClientException {
    return c.send(new OutboundEnvelope("a@relay.test", List.of("b@dest.test"), MESSAGE.length(), false, false),
        new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void verifiedCertificateGivesTls13AndTheSessionStartsOver() throws Exception {
    sink = SmtpSink.builder().startTls(cert.serverContext()).start();
    try (SmtpClientConnection c = open("mx.sink.test", trusting, TlsPolicy.VERIFY)) {
      assertEquals("TLSv1.3", c.tls().protocol());
      assertTrue(c.tls().cipher().startsWith("TLS_"), c.tls().cipher());
      assertTrue(c.tls().verified());
      assertFalse(c.capabilities().startTls(), "EHLO over TLS no longer offers STARTTLS");
      assertTrue(send(c).delivered(0));
    }
    assertTrue(sink.awaitMessages(1, Duration.ofSeconds(5)));
    ReceivedMessage m = sink.messages().get(0);
    assertTrue(m.tls().startsWith("TLSv1.3 TLS_"), m.tls());
    assertEquals(List.of("EHLO relay.test", "STARTTLS", "EHLO relay.test"), sink.commands().subList(0, 3));
  }

  @Test
  void tls12WhenTheClientOffersOnlyThat() throws Exception {
    sink = SmtpSink.builder().startTls(cert.serverContext()).start();
    ClientTlsSettings only12 = new ClientTlsSettings(true, List.of("TLSv1.2"),
        java.util.Optional.of(cert.trustStore()), cert.password(), Duration.ofSeconds(10));
    try (SmtpClientConnection c = open("mx.sink.test", ClientTls.create(only12), TlsPolicy.VERIFY)) {
      assertEquals("TLSv1.2", c.tls().protocol());
      assertTrue(c.tls().verified());
    }
  }

  @Test
  void opportunisticUsesACertificateForAnotherNameAndRecordsItUnverified() throws Exception {
    sink = SmtpSink.builder().startTls(cert.serverContext()).start();
    try (SmtpClientConnection c = open("other.dest.test", trusting, TlsPolicy.OPPORTUNISTIC)) {
      assertEquals("TLSv1.3", c.tls().protocol());
      assertFalse(c.tls().verified());
      assertEquals(ClientTls.Unverified.NAME_MISMATCH, c.unverified().orElseThrow());
      assertTrue(c.tls().summary().endsWith(" unverified"), c.tls().summary());
      assertTrue(send(c).delivered(0));
    }
    assertTrue(sink.messages().get(0).tls().startsWith("TLSv1.3"));
  }

  @Test
  void verifyRefusesANameMismatchAndAnUnknownIssuerBeforeAnyCommand() throws Exception {
    sink = SmtpSink.builder().startTls(cert.serverContext()).start();
    SmtpClientException wrongName = assertThrows(SmtpClientException.class,
        () -> open("other.dest.test", trusting, TlsPolicy.VERIFY));
    assertEquals(SmtpClientException.Kind.TLS_UNVERIFIED, wrongName.kind());
    assertEquals("451 4.7.5", wrongName.reply().code() + " " + wrongName.reply().enhanced());
    assertTrue(wrongName.reply().summary().contains("certificate not valid for the host name"),
        wrongName.reply().summary());

    ClientTls jdkTrust = ClientTls.create(ClientTlsSettings.defaults()); // does not know the test issuer
    SmtpClientException untrusted = assertThrows(SmtpClientException.class,
        () -> open("mx.sink.test", jdkTrust, TlsPolicy.VERIFY));
    assertEquals(SmtpClientException.Kind.TLS_UNVERIFIED, untrusted.kind());
    assertTrue(untrusted.reply().summary().contains("certificate chain not trusted"), untrusted.reply().summary());
    try (SmtpClientConnection c = open("mx.sink.test", jdkTrust, TlsPolicy.REQUIRED)) {
      assertFalse(c.tls().verified(), "required takes any certificate");
      assertEquals(ClientTls.Unverified.UNTRUSTED, c.unverified().orElseThrow());
    }
    assertTrue(sink.commands().stream().noneMatch(l -> l.startsWith("MAIL")), sink.commands().toString());
  }

  @Test
  void noStartTlsOfferedDefersUnderRequiredAndGoesInClearOtherwise() throws Exception {
    sink = SmtpSink.start();
    SmtpClientException e = assertThrows(SmtpClientException.class,
        () -> open("mx.sink.test", trusting, TlsPolicy.REQUIRED));
    assertEquals(SmtpClientException.Kind.TLS_UNAVAILABLE, e.kind());
    assertTrue(e.reply().isTransient());
    assertTrue(e.reply().summary().startsWith("451 4.7.4 TLS required but mx.sink.test[127.0.0.1]:"),
        e.reply().summary());
    assertTrue(e.reply().summary().endsWith("did not offer STARTTLS"), e.reply().summary());
    assertTrue(sink.commands().stream().noneMatch(l -> l.startsWith("MAIL")), sink.commands().toString());
    try (SmtpClientConnection c = open("mx.sink.test", trusting, TlsPolicy.OPPORTUNISTIC)) {
      assertEquals(TlsStatus.NONE, c.tls());
      assertEquals("none", c.tls().summary());
      assertTrue(send(c).delivered(0));
    }
    assertEquals("", sink.messages().get(0).tls());
  }

  @Test
  void aFailedHandshakeIsTlsFailed() throws Exception {
    sink = SmtpSink.builder().brokenStartTls().start();
    SmtpClientException e = assertThrows(SmtpClientException.class,
        () -> open("mx.sink.test", trusting, TlsPolicy.OPPORTUNISTIC));
    assertEquals(SmtpClientException.Kind.TLS_FAILED, e.kind());
    assertEquals("451 4.7.5", e.reply().code() + " " + e.reply().enhanced());
    // Without TLS (what an opportunistic sender retries with) the same server takes the mail.
    try (SmtpClientConnection c = open("mx.sink.test", null, TlsPolicy.OPPORTUNISTIC)) {
      assertEquals(TlsStatus.NONE, c.tls());
      assertTrue(send(c).delivered(0));
    }
  }
}

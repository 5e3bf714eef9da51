package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.testing.ReceivedMessage;
import relay.testing.SmtpSink;
import relay.testing.TestCertificates;

/**
 * Outbound TLS on a real node (H2) over real sockets: mail from a client over SMTP, MX records
 * from the test DNS server, sinks on loopback addresses that offer STARTTLS (a real TLS server
 * with a test certificate the node's configured trust store knows), do not offer it, or fail the
 * handshake. What each destination's shaping {@code tls} makes of them, as the sinks, the JSON
 * event log and the message history (over the HTTP API) show it.
 */
class OutboundTlsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void startTlsIsUsedAndRecordedAndEachPolicyHoldsWhatItMust() throws Exception {
    TestCertificates cert = TestCertificates.create(dir, "mx", "mx.tls.test", "mx.tls.test");
    RelayFixture fixture = RelayFixture.create(RelayFixture.Storage.H2);
    // Every MX is reached on relay.smtp.client.port: the other sinks share the plain sink's port.
    try (EventLogLines events = EventLogLines.capture();
        RelayFixture relay = fixture;
        SmtpSink tlsSink = SmtpSink.builder().bind("127.0.0.3", fixture.sink.port()).hostname("mx.tls.test")
            .startTls(cert.serverContext()).start();
        SmtpSink brokenSink = SmtpSink.builder().bind("127.0.0.4", fixture.sink.port()).brokenStartTls()
            .start()) {
      relay.dns.mx("tls.test", 10, "mx.tls.test").a("mx.tls.test", "127.0.0.3");
      relay.dns.mx("secure.test", 10, "mx.secure.test").a("mx.secure.test", "127.0.0.2"); // no STARTTLS
      relay.dns.mx("strict.test", 10, "mx.other.test").a("mx.other.test", "127.0.0.3"); // cert of another name
      relay.dns.mx("broken.test", 10, "mx.broken.test").a("mx.broken.test", "127.0.0.4");
      relay.with("relay.smtp.client.tls { trust-store = \"" + cert.trustStore() + "\", trust-store-password = \""
          + cert.password() + "\" }")
          .with("relay.queue.shaping.domains { \"secure.test\" { tls = required }, \"strict.test\" { tls = verify } }")
          .with("relay.queue.retry { initial = 1h, multiplier = 1.0, max-interval = 1h }")
          .start();

      String tlsId = send(relay, "alice@tls.test");
      String secureId = send(relay, "bob@secure.test");
      String strictId = send(relay, "carol@strict.test");
      String brokenId = send(relay, "dave@broken.test");

      assertTrue(tlsSink.awaitMessages(1, Duration.ofSeconds(30)), "delivered over TLS");
      ReceivedMessage overTls = tlsSink.messages().get(0);
      assertTrue(overTls.tls().startsWith("TLSv1.3 TLS_"), overTls.tls());
      assertTrue(brokenSink.awaitMessages(1, Duration.ofSeconds(30)), "delivered in clear after the failed handshake");
      assertEquals("", brokenSink.messages().get(0).tls());

      JsonNode delivered = await(events, "delivered", tlsId);
      JsonNode tls = delivered.get("tls");
      assertEquals("TLSv1.3", tls.get("protocol").asText(), delivered.toString());
      assertEquals(overTls.tls().substring("TLSv1.3 ".length()), tls.get("cipher").asText());
      assertTrue(tls.get("verified").asBoolean(), delivered.toString());
      assertEquals("none", await(events, "delivered", brokenId).get("tls").asText());

      JsonNode secure = await(events, "deferred", secureId);
      assertTrue(secure.get("reply").asText().matches(
          "451 4\\.7\\.4 TLS required but mx\\.secure\\.test\\[127\\.0\\.0\\.2\\]:\\d+ did not offer STARTTLS"),
          secure.toString());
      assertEquals("none", secure.get("tls").asText());
      JsonNode strict = await(events, "deferred", strictId);
      assertTrue(strict.get("reply").asText().startsWith("451 4.7.5 TLS with a verified certificate required but "
          + "mx.other.test[127.0.0.3]:"), strict.toString());
      assertTrue(strict.get("reply").asText().endsWith("did not verify: certificate not valid for the host name"),
          strict.toString());
      assertEquals(1, tlsSink.messageCount(), "nothing of strict.test was delivered");
      assertFalse(relay.sink.commands().stream().anyMatch(c -> c.contains("secure.test")),
          "no command about secure.test reached the sink without TLS: " + relay.sink.commands());
      assertFalse(tlsSink.commands().stream().anyMatch(c -> c.contains("strict.test")),
          "no command about strict.test reached the sink: " + tlsSink.commands());

      int port = relay.node().httpAddress().getPort();
      String token = Files.readString(relay.dataDir.resolve("admin-token")).strip();
      JsonNode history = awaitHistory(port, token, tlsId, "delivered");
      assertEquals("TLSv1.3 " + tls.get("cipher").asText() + " verified", history.get("tls").asText(),
          history.toString());
      assertEquals("none", awaitHistory(port, token, secureId, "deferred").get("tls").asText());
      System.out.println("OutboundTlsTest: " + delivered + "\n" + secure + "\n" + strict + "\n" + history);
    }
  }

  /** Sends one message to {@code to} through the relay; its queue id. */
  static String send(RelayFixture relay, String to) throws Exception {
    String reply = SmtpDialog.sendOne(relay.smtp(), "owner@sender.test", to, "Subject: tls\r\n\r\nhello\r\n");
    assertTrue(reply.startsWith("250 2.0.0"), reply);
    return reply.substring(reply.lastIndexOf(' ') + 1).strip();
  }

  static JsonNode await(EventLogLines events, String event, String queueId) throws Exception {
    return events.await(event, queueId, Duration.ofSeconds(30));
  }

  /** The first history event of {@code kind} of a message, over the API, waited for. */
  static JsonNode awaitHistory(int port, String token, String id, String kind) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      NodeApiTest.Answer a = NodeApiTest.call(port, "GET", "/api/v1/messages/" + id, token, null);
      if (a.status() == 200) {
        for (JsonNode e : JSON.readTree(a.body()).get("events")) {
          if (kind.equals(e.get("kind").asText())) {
            assertNotNull(e.get("tls"), e.toString());
            return e;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + kind + " history event for " + id);
  }
}

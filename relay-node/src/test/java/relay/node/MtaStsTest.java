package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.testing.SmtpSink;
import relay.testing.TestCertificates;

/**
 * MTA-STS (RFC 8461) on a real node (H2): policies served over real HTTPS by the JDK's
 * HttpsServer on loopback with a test certificate for every mta-sts.&lt;domain&gt;, the
 * {@code _mta-sts} TXT records and the policy host's A record answered by the test DNS server,
 * mail in over SMTP, real TLS sinks. Enforce with a certificate that verifies: delivered, verified;
 * enforce with one that does not: deferred (4.7.5), nothing of it reaches the sink; enforce with
 * no matching MX: deferred before any connection; testing: delivered although it would fail.
 */
class MtaStsTest {

  @TempDir
  Path dir;

  @Test
  void enforceDeliversOnlyOverVerifiedTlsToMatchingHostsAndTestingOnlyLogs() throws Exception {
    TestCertificates good = TestCertificates.create(dir, "good", "mx.good.test", "mx.good.test");
    TestCertificates unknown = TestCertificates.create(dir, "bad", "mx.bad.test", "mx.bad.test"); // not trusted
    String[] domains = {"good.test", "bad.test", "nomatch.test", "testing.test"};
    TestCertificates web = TestCertificates.create(dir, "web", "mta-sts.good.test",
        List.of(domains).stream().map(d -> "mta-sts." + d).toArray(String[]::new));
    Map<String, String> policies = new ConcurrentHashMap<>();
    policies.put("mta-sts.good.test", "version: STSv1\r\nmode: enforce\r\nmx: *.good.test\r\nmax_age: 86400\r\n");
    policies.put("mta-sts.bad.test", "version: STSv1\r\nmode: enforce\r\nmx: mx.bad.test\r\nmax_age: 86400\r\n");
    policies.put("mta-sts.nomatch.test",
        "version: STSv1\r\nmode: enforce\r\nmx: mail.elsewhere.test\r\nmax_age: 86400\r\n");
    policies.put("mta-sts.testing.test", "version: STSv1\r\nmode: testing\r\nmx: other.test\r\nmax_age: 86400\r\n");
    AtomicInteger fetches = new AtomicInteger();
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(web.serverContext()));
    https.createContext("/.well-known/mta-sts.txt", exchange -> {
      fetches.incrementAndGet();
      String host = exchange.getRequestHeaders().getFirst("Host");
      String policy = host == null ? null : policies.get(host.replaceFirst(":\\d+$", ""));
      byte[] body = (policy == null ? "no policy" : policy).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain");
      exchange.sendResponseHeaders(policy == null ? 404 : 200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    https.start();

    RelayFixture fixture = RelayFixture.create(RelayFixture.Storage.H2);
    try (EventLogLines events = EventLogLines.capture();
        RelayFixture relay = fixture;
        SmtpSink goodSink = SmtpSink.builder().bind("127.0.0.3", fixture.sink.port()).hostname("mx.good.test")
            .startTls(good.serverContext()).start();
        SmtpSink badSink = SmtpSink.builder().bind("127.0.0.4", fixture.sink.port()).hostname("mx.bad.test")
            .startTls(unknown.serverContext()).start()) {
      relay.dns.mx("good.test", 10, "mx.good.test").a("mx.good.test", "127.0.0.3");
      relay.dns.mx("bad.test", 10, "mx.bad.test").a("mx.bad.test", "127.0.0.4");
      relay.dns.mx("nomatch.test", 10, "mx.nomatch.test").a("mx.nomatch.test", "127.0.0.3");
      relay.dns.mx("testing.test", 10, "mx.testing.test").a("mx.testing.test", "127.0.0.4");
      for (String d : domains) {
        relay.dns.txt("_mta-sts." + d, "v=STSv1; id=20261205;").a("mta-sts." + d, "127.0.0.1");
      }
      relay.with("relay.smtp.client.tls { trust-store = \"" + good.trustStore() + "\", trust-store-password = \""
              + good.password() + "\" }")
          .with("relay.delivery.mta-sts { port = " + https.getAddress().getPort() + ", trust-store = \""
              + web.trustStore() + "\", trust-store-password = \"" + web.password() + "\" }")
          .with("relay.queue.retry { initial = 1h, multiplier = 1.0, max-interval = 1h }")
          .start();

      String goodId = OutboundTlsTest.send(relay, "alice@good.test");
      String badId = OutboundTlsTest.send(relay, "bob@bad.test");
      String nomatchId = OutboundTlsTest.send(relay, "carol@nomatch.test");
      String testingId = OutboundTlsTest.send(relay, "dave@testing.test");

      JsonNode delivered = events.await("delivered", goodId, Duration.ofSeconds(30));
      assertEquals("TLSv1.3", delivered.get("tls").get("protocol").asText(), delivered.toString());
      assertTrue(delivered.get("tls").get("verified").asBoolean(), delivered.toString());
      assertEquals(1, goodSink.messageCount());
      assertTrue(goodSink.messages().get(0).tls().startsWith("TLSv1.3"));

      JsonNode bad = events.await("deferred", badId, Duration.ofSeconds(30));
      assertTrue(bad.get("reply").asText().startsWith(
          "451 4.7.5 TLS with a verified certificate required but mx.bad.test[127.0.0.4]:"), bad.toString());
      assertTrue(bad.get("reply").asText().endsWith("certificate chain not trusted"), bad.toString());

      JsonNode nomatch = events.await("deferred", nomatchId, Duration.ofSeconds(30));
      assertEquals("451 4.7.5 No mail exchanger of nomatch.test matches its MTA-STS policy (enforce)",
          nomatch.get("reply").asText(), nomatch.toString());
      assertEquals("", nomatch.get("remote_host").asText());

      JsonNode testing = events.await("delivered", testingId, Duration.ofSeconds(30));
      assertEquals("TLSv1.3", testing.get("tls").get("protocol").asText(), testing.toString());
      assertFalse(testing.get("tls").get("verified").asBoolean(), "testing: delivered although not verified");

      // Nothing of bad.test or nomatch.test reached any sink, in clear or otherwise.
      assertEquals(1, badSink.messageCount(), "only the testing.test message");
      assertEquals("dave@testing.test", badSink.messages().get(0).recipients().get(0));
      for (SmtpSink sink : List.of(goodSink, badSink, relay.sink)) {
        assertFalse(sink.commands().stream().anyMatch(c -> c.contains("bad.test") || c.contains("nomatch.test")),
            sink.commands().toString());
      }
      assertEquals(4, fetches.get(), "one fetch per domain");
      System.out.println("MtaStsTest: " + delivered + "\n" + bad + "\n" + nomatch + "\n" + testing);
    } finally {
      https.stop(0);
    }
  }
}

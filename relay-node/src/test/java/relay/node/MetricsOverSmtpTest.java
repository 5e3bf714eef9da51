package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import relay.protocol.server.RefusalReason;

/**
 * Issue 11, done-when 7 (metrics half): a real node (H2) takes messages over real SMTP, refuses
 * some, delivers to a real sink through a real DNS server, and its {@code GET /metrics}, fetched
 * over HTTP with a viewer token made over the API (a client token gets 403, none 401) and
 * parsed by Prometheus' own Python parser (Debian's
 * python3-prometheus-client, in a subprocess), counts exactly that: messages and recipients
 * accepted, each refusal by its reason (the others 0), recipients delivered (a DSN included),
 * deferred and bounced, the queue depth of the destination that still holds a message, the open
 * SMTP session, and one latency observation per accepted message. The node's OpenAPI document
 * describes the route.
 */
class MetricsOverSmtpTest {

  /** Debian's interpreter: the one python3-prometheus-client installs into. */
  private static final String PYTHON = "/usr/bin/python3";

  /** One parsed sample: family type, sample name, labels ("k=v,..."), value. */
  record Sample(String type, String name, String labels, double value) {}

  @Test
  void countersMatchWhatWasSentRefusedAndDelivered() throws Exception {
    // A deferred recipient is not tried again during the test: its queue keeps it (depth 1).
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)
        .with("relay.queue.retry { initial = 1h, multiplier = 1.0, max-interval = 1h }").start()) {
      int http = relay.node().httpAddress().getPort();
      String token = Files.readString(relay.dataDir.resolve("admin-token")).strip();

      NodeApiTest.Answer openApi = NodeApiTest.call(http, "GET", "/api/openapi.json", null, null);
      assertTrue(openApi.body().contains("\"/metrics\":{\"get\":"),
          "documented: " + openApi.body());

      // Prometheus scrapes with a viewer token made over the API; a client token may not
      String viewer = secret(NodeApiTest.call(http, "POST", "/api/v1/tokens", token,
          "{\"name\":\"prometheus\",\"role\":\"viewer\"}"));
      String client = secret(NodeApiTest.call(http, "POST", "/api/v1/tokens", token,
          "{\"name\":\"app\",\"role\":\"client\",\"client\":\"test-app\"}"));
      NodeApiTest.Answer forbidden = NodeApiTest.call(http, "GET", "/metrics", client, null);
      assertEquals(403, forbidden.status(), forbidden.body());
      assertEquals("application/problem+json", forbidden.contentType());
      assertEquals(401, NodeApiTest.call(http, "GET", "/metrics", null, null).status());

      Map<String, Sample> before = scrape(http, viewer);
      assertEquals(0.0, value(before, "relay_smtp_accepted_messages_total", ""));
      for (RefusalReason reason : RefusalReason.values()) {
        assertEquals(0.0, value(before, "relay_smtp_refusals_total", "reason=" + reason.label()),
            "every reason's series exists from the start");
      }

      // accepted: 5 messages, 6 recipients
      send(relay, "owner@sender.test", "m1", "a1@dest.test");
      send(relay, "owner@sender.test", "m2", "a2@dest.test", "b2@dest.test");
      send(relay, "owner@sender.test", "m3", "a3@sender.test");
      send(relay, "owner@sender.test", "m4", "reject-4@dest.test"); // bounced, DSN to owner@
      send(relay, "owner@sender.test", "m5", "tempfail-5@dest.test"); // deferred, stays queued

      // refused: 2 relay-denied, 1 size, 1 blocked-ip
      try (SmtpDialog smtp = SmtpDialog.connectFrom("127.0.0.9", relay.smtp())) {
        smtp.reply();
        smtp.command("EHLO stranger.test");
        smtp.command("MAIL FROM:<x@stranger.test>");
        assertTrue(smtp.command("RCPT TO:<a@dest.test>").startsWith("554 5.7.1"));
        assertTrue(smtp.command("RCPT TO:<b@dest.test>").startsWith("554 5.7.1"));
      }
      try (SmtpDialog smtp = SmtpDialog.connect(relay.smtp())) {
        smtp.reply();
        smtp.command("EHLO app.client.test");
        assertTrue(smtp.command("MAIL FROM:<owner@sender.test> SIZE=999999999999")
            .startsWith("552 5.3.4"));
      }
      NodeApiTest.Answer block = NodeApiTest.call(http, "POST", "/api/v1/blocks", token,
          "{\"kind\":\"ip\",\"value\":\"127.0.0.6\",\"reason\":\"metrics test\"}");
      assertEquals(201, block.status(), block.body());
      try (SmtpDialog smtp = SmtpDialog.connectFrom("127.0.0.6", relay.smtp())) {
        assertTrue(smtp.reply().startsWith("554 5.7.1"));
      }

      // m1, m2, m3 and the DSN of m4 reach the sink
      assertTrue(relay.sink.awaitMessages(4, Duration.ofSeconds(30)), "delivered to the sink");
      try (SmtpDialog open = SmtpDialog.connect(relay.smtp())) {
        open.reply();
        open.command("EHLO app.client.test");
        // outcomes are counted once persisted, just after the sink's 250: wait for them
        Map<String, Sample> m = scrapeUntil(http, viewer, s ->
            value(s, "relay_delivered_recipients_total", "") >= 5
                && value(s, "relay_bounced_recipients_total", "") >= 1
                && value(s, "relay_deferred_recipients_total", "") >= 1
                && value(s, "relay_smtp_sessions", "") == 1);

        assertEquals(5.0, value(m, "relay_smtp_accepted_messages_total", ""));
        assertEquals(6.0, value(m, "relay_smtp_accepted_recipients_total", ""));
        Map<String, Double> refused = new LinkedHashMap<>();
        for (RefusalReason reason : RefusalReason.values()) {
          refused.put(reason.label(),
              value(m, "relay_smtp_refusals_total", "reason=" + reason.label()));
        }
        Map<String, Double> expected = new LinkedHashMap<>();
        refused.keySet().forEach(r -> expected.put(r, 0.0));
        expected.put("relay-denied", 2.0);
        expected.put("size", 1.0);
        expected.put("blocked-ip", 1.0);
        assertEquals(expected, refused);
        // a1, a2, b2, a3 and the DSN to owner@sender.test
        assertEquals(5.0, value(m, "relay_delivered_recipients_total", ""));
        assertEquals(1.0, value(m, "relay_bounced_recipients_total", ""));
        assertEquals(1.0, value(m, "relay_deferred_recipients_total", ""));
        assertEquals(0.0, value(m, "relay_expired_recipients_total", ""));
        assertEquals(1.0, value(m, "relay_queue_messages", "domain=dest.test"));
        assertEquals(1.0, value(m, "relay_queue_recipients", "domain=dest.test"));
        assertEquals(1.0, value(m, "relay_smtp_sessions", ""));

        assertEquals("histogram", m.get("relay_smtp_accept_duration_seconds_count|").type());
        assertEquals(5.0, value(m, "relay_smtp_accept_duration_seconds_count", ""));
        assertEquals(5.0, value(m, "relay_smtp_accept_duration_seconds_bucket", "le=+Inf"));
        double sum = value(m, "relay_smtp_accept_duration_seconds_sum", "");
        assertTrue(sum > 0 && sum < 5 * 10, "seconds from end of data to 250: " + sum);
        double previous = 0;
        for (Sample s : m.values()) {
          if (s.name().equals("relay_smtp_accept_duration_seconds_bucket")) {
            assertTrue(s.value() >= previous, "cumulative buckets: " + s);
            previous = s.value();
          }
        }
        System.out.printf("metrics: 5 messages accepted, mean end-of-data-to-250 %.1f ms%n",
            sum / 5 * 1000);
      }
    }
  }

  /** The secret of a token just created (shown once, in the 201's body). */
  private static String secret(NodeApiTest.Answer created) throws IOException {
    assertEquals(201, created.status(), created.body());
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.body())
        .get("token").asText();
  }

  private static void send(RelayFixture relay, String from, String tag, String... to)
      throws IOException {
    try (SmtpDialog smtp = SmtpDialog.connect(relay.smtp())) {
      smtp.reply();
      smtp.command("EHLO app.client.test");
      assertTrue(smtp.command("MAIL FROM:<" + from + ">").startsWith("250"));
      for (String rcpt : to) {
        assertTrue(smtp.command("RCPT TO:<" + rcpt + ">").startsWith("250"), rcpt);
      }
      assertTrue(smtp.command("DATA").startsWith("354"));
      String queued = smtp.send("Subject: " + tag + "\r\n\r\nbody of " + tag + "\r\n.\r\n")
          .reply();
      assertTrue(queued.startsWith("250 2.0.0"), queued);
      smtp.command("QUIT");
    }
  }

  private interface Check {
    boolean done(Map<String, Sample> samples);
  }

  private static Map<String, Sample> scrapeUntil(int http, String token, Check check)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Map<String, Sample> samples = scrape(http, token);
    while (!check.done(samples) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      samples = scrape(http, token);
    }
    return samples;
  }

  private static double value(Map<String, Sample> samples, String name, String labels) {
    Sample s = samples.get(name + "|" + labels);
    if (s == null) {
      throw new AssertionError("no sample " + name + "{" + labels + "} in " + samples.keySet());
    }
    return s.value();
  }

  /** GET /metrics over HTTP, parsed by the Python client's parser; keyed "name|labels". */
  private static Map<String, Sample> scrape(int http, String token) throws Exception {
    NodeApiTest.Answer answer = NodeApiTest.call(http, "GET", "/metrics", token, null);
    assertEquals(200, answer.status(), answer.body());
    assertEquals("text/plain; version=0.0.4; charset=UTF-8", answer.contentType());
    Path script = Path.of(MetricsOverSmtpTest.class.getResource("/metrics/parse_exposition.py")
        .toURI());
    Process python = new ProcessBuilder(PYTHON, script.toString()).start();
    try (OutputStream in = python.getOutputStream()) {
      in.write(answer.body().getBytes(StandardCharsets.UTF_8));
    }
    String out;
    String err;
    try (InputStream stdout = python.getInputStream(); InputStream stderr = python.getErrorStream()) {
      out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
      err = new String(stderr.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(python.waitFor(30, TimeUnit.SECONDS), "parser finished");
    assertEquals(0, python.exitValue(), "the parser refused the exposition: " + err + "\n"
        + answer.body());
    Map<String, Sample> samples = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>(out.lines().toList());
    for (String line : lines) {
      String[] f = line.split("\t", -1);
      samples.put(f[2] + "|" + f[3], new Sample(f[1], f[2], f[3], Double.parseDouble(f[4])));
    }
    return samples;
  }
}

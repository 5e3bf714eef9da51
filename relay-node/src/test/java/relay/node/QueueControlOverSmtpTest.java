package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import relay.node.NodeApiTest.Answer;
import relay.testing.ReceivedMessage;
import relay.testing.SmtpSink;

/**
 * Queue control over the operator API on a real node (H2), with mail sent over real SMTP, MX
 * records from the test DNS server and real sinks (issue 11, Done-when 5): a suspended
 * destination takes new mail but gets no delivery, also after a restart of the node, and its
 * resume drains it; retry-now delivers a message deferred for an hour at once; bounce returns
 * every waiting message to its sender as a DSN through the relay's own queue. Each action is in
 * the audit log with the token's name. Retries are an hour apart here, so only the operator's
 * actions can explain a delivery.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueueControlOverSmtpTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(30);

  private RelayFixture relay;
  private SmtpSink flaky;
  private String token;

  @BeforeAll
  void start() throws Exception {
    relay = RelayFixture.create(RelayFixture.Storage.H2);
    flaky = SmtpSink.builder().bind("127.0.0.3", relay.sink.port()).start();
    relay.dns.mx("held.test", 10, "mx.held.test").a("mx.held.test", "127.0.0.2");
    relay.dns.mx("flaky.test", 10, "mx.flaky.test").a("mx.flaky.test", "127.0.0.3");
    relay.dns.mx("doomed.test", 10, "mx.doomed.test").a("mx.doomed.test", "127.0.0.2");
    relay.with("relay.queue.retry { initial = 1h, multiplier = 1.0, max-interval = 1h }")
        .with("relay.queue.delay-warning = off")
        .start();
    token = Files.readString(relay.dataDir.resolve("admin-token")).strip();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      relay.close();
    } finally {
      flaky.close();
    }
  }

  Answer call(String method, String path) throws Exception {
    return NodeApiTest.call(relay.node().httpAddress().getPort(), method, path, token, null);
  }

  JsonNode ok(String method, String path) throws Exception {
    Answer a = call(method, path);
    assertEquals(200, a.status(), method + " " + path + ": " + a.body());
    return JSON.readTree(a.body());
  }

  void send(String from, String to, String tag) throws Exception {
    String queued = SmtpDialog.sendOne(relay.smtp(), from, to,
        "Subject: " + tag + "\r\n\r\n" + tag + "\r\n");
    assertTrue(queued.startsWith("250 2.0.0"), queued);
  }

  static List<ReceivedMessage> await(SmtpSink sink, Predicate<ReceivedMessage> which, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<ReceivedMessage> found = List.of();
    while (System.nanoTime() < deadline) {
      found = sink.messages().stream().filter(which).toList();
      if (found.size() >= n) {
        return found;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("only " + found.size() + " of " + n + " messages arrived");
  }

  static long count(SmtpSink sink, String tag) {
    return sink.messages().stream().filter(m -> m.text().contains(tag)).count();
  }

  JsonNode listed(String domain) throws Exception {
    for (JsonNode q : ok("GET", "/api/v1/queues").get("queues")) {
      if (q.get("domain").asText().equals(domain)) {
        return q;
      }
    }
    throw new AssertionError(domain + " not listed");
  }

  @Test
  void suspendHoldsNewMailAlsoOverARestartAndResumeDrainsIt() throws Exception {
    String tag = UUID.randomUUID().toString();
    JsonNode pre = ok("POST", "/api/v1/queues/held.test/suspend");
    assertEquals("suspend", pre.get("action").asText());
    assertEquals(0, pre.get("affected").asInt(), "held before any mail");
    for (int i = 0; i < 3; i++) {
      send("owner@sender.test", "user" + i + "@held.test", tag);
    }
    Thread.sleep(1_500);
    assertEquals(0, count(relay.sink, tag), "nothing delivered while suspended");
    JsonNode q = listed("held.test");
    assertEquals(3, q.get("depth").asInt());
    assertTrue(q.get("suspended").asBoolean());
    assertEquals("admin", q.get("suspendedBy").asText());

    relay.restart();
    Thread.sleep(1_500);
    assertEquals(0, count(relay.sink, tag), "still held after the node restarted");
    JsonNode after = ok("GET", "/api/v1/queues/held.test");
    assertTrue(after.get("suspended").asBoolean(), after.toString());
    assertEquals(3, after.get("messages").size());

    long asked = System.nanoTime();
    assertEquals(3, ok("POST", "/api/v1/queues/held.test/resume").get("affected").asInt());
    await(relay.sink, m -> m.text().contains(tag), 3);
    System.out.printf("resume: 3 held messages at the sink %d ms after the 200%n",
        (System.nanoTime() - asked) / 1_000_000);
    awaitNoQueue("held.test");
    assertEquals(3, count(relay.sink, tag), "each delivered once");
    JsonNode audit = ok("GET", "/api/v1/audit");
    assertEquals("queue-resumed", audit.get(0).get("action").asText());
    assertEquals("held.test", audit.get(0).get("subject").asText());
    assertEquals("admin", audit.get(0).get("actor").asText());
    assertEquals("queue-suspended", audit.get(1).get("action").asText());
  }

  @Test
  void retryNowDeliversAMessageDeferredForAnHour() throws Exception {
    String tag = UUID.randomUUID().toString();
    flaky.greeting421(true);
    send("owner@sender.test", "carol@flaky.test", tag);
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode q;
    do {
      Thread.sleep(100);
      q = ok("GET", "/api/v1/queues/flaky.test");
    } while (q.get("deferred").asInt() == 0 && System.nanoTime() < deadline);
    assertEquals(1, q.get("deferred").asInt(), q.toString());
    assertTrue(q.get("lastError").asText().startsWith("4"), q.toString());
    flaky.greeting421(false);
    Thread.sleep(1_000);
    assertEquals(0, count(flaky, tag), "the next attempt is an hour away");

    long asked = System.nanoTime();
    assertEquals(1, ok("POST", "/api/v1/queues/flaky.test/retry").get("affected").asInt());
    await(flaky, m -> m.text().contains(tag), 1);
    System.out.printf("retry: the deferred message at the sink %d ms after the 200%n",
        (System.nanoTime() - asked) / 1_000_000);
    awaitNoQueue("flaky.test");
    assertEquals(404, call("POST", "/api/v1/queues/flaky.test/retry").status(),
        "nothing waits any more");
  }

  @Test
  void bounceReturnsEveryWaitingMessageWithADsn() throws Exception {
    String tag = UUID.randomUUID().toString();
    for (int i = 0; i < 4; i++) {
      send("owner" + i + "@sender.test", "tempfail-" + i + "@doomed.test", tag);
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode q;
    do {
      Thread.sleep(100);
      q = ok("GET", "/api/v1/queues/doomed.test");
    } while (q.get("deferred").asInt() < 4 && System.nanoTime() < deadline);
    assertEquals(4, q.get("deferred").asInt(), q.toString());

    long asked = System.nanoTime();
    JsonNode bounced = ok("POST", "/api/v1/queues/doomed.test/bounce");
    assertEquals(4, bounced.get("affected").asInt());
    List<ReceivedMessage> dsns = await(relay.sink, m -> m.mailFrom().isEmpty()
        && m.text().contains(tag) && m.text().contains("Action: failed"), 4);
    System.out.printf("bounce: 4 DSNs at the sink %d ms after the 200%n",
        (System.nanoTime() - asked) / 1_000_000);
    List<String> to = dsns.stream().flatMap(m -> m.recipients().stream()).sorted().toList();
    assertEquals(List.of("owner0@sender.test", "owner1@sender.test", "owner2@sender.test",
        "owner3@sender.test"), to);
    for (ReceivedMessage dsn : dsns) {
      EndToEndContract.DsnView view = EndToEndContract.DsnView.parse(dsn.data());
      assertEquals("5.0.0", view.field("Status"));
      assertTrue(view.field("Diagnostic-Code").contains("554 5.0.0 Message to doomed.test"),
          view.field("Diagnostic-Code"));
    }
    awaitNoQueue("doomed.test");
    assertTrue(relay.sink.messages().stream().noneMatch(m -> m.recipients().stream()
        .anyMatch(r -> r.endsWith("@doomed.test"))), "nothing reached the destination");
    assertEquals("queue-bounced", ok("GET", "/api/v1/audit").get(0).get("action").asText());
  }

  void awaitNoQueue(String domain) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Answer a;
    do {
      a = call("GET", "/api/v1/queues/" + domain);
      if (a.status() == 404) {
        return;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(domain + " still has a queue: " + a.body());
  }
}

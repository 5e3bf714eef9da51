package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import relay.persistence.quota.QuotaWindows;
import relay.persistence.registry.AddressRole;
import relay.persistence.registry.ClientAddress;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.ClientLimits;
import relay.persistence.registry.ClientOrigin;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.ClientState;
import relay.persistence.registry.RegistryResult;

/**
 * The hourly recipient quota on a running node (H2) over real sockets: a client registered with 5
 * recipients an hour gets 250 for five RCPTs, across two connections, and 452 4.5.3 saying when
 * the hour ends for the sixth; the refusal is a "refused" line of the event log. A bulk notice
 * with raiseQuota for the current window, posted over HTTP with the admin token, then lets
 * exactly its expected recipients in.
 */
class RecipientQuotaTest {

  static final String FROM = "127.0.0.8";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A client at {@code ip} with {@code perHour} recipients an hour. */
  static ClientRecord client(String id, String ip, int perHour) {
    return new ClientRecord(new ClientId(id), id, List.of("ops@" + id + ".test"),
        List.of(new ClientAddress(ip, AddressRole.PRODUCTION)), List.of(),
        new ClientLimits(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.of(perHour), Optional.empty()),
        ClientState.ACTIVE, Optional.empty(), ClientOrigin.API);
  }

  static <T> T ok(CompletionStage<RegistryResult<T>> call) throws Exception {
    RegistryResult<T> result = call.toCompletableFuture().get(10, TimeUnit.SECONDS);
    if (result instanceof RegistryResult.Ok<T> done) {
      return done.value();
    }
    throw new AssertionError("call refused: " + result);
  }

  /**
   * RCPT, asked again while the answer is "451 4.3.0" (the node's lease not there yet: a
   * legitimate "try again shortly").
   */
  static String rcpt(SmtpDialog smtp, String recipient) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      String reply = smtp.command("RCPT TO:<" + recipient + ">");
      if (!reply.startsWith("451 4.3.0") || System.nanoTime() > deadline) {
        return reply;
      }
      Thread.sleep(50);
    }
  }

  static SmtpDialog transaction(String from, InetSocketAddress relay) throws IOException {
    SmtpDialog smtp = SmtpDialog.connectFrom(from, relay);
    assertTrue(smtp.reply().startsWith("220"));
    smtp.command("EHLO app.client.test");
    assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<a@sender.test>"));
    return smtp;
  }

  /** The reply to a recipient over the hourly quota, for either hour the test may span. */
  static boolean isHourlyQuotaReply(String reply, Instant before) {
    Instant reset = QuotaWindows.hourOf(before).plus(QuotaWindows.HOUR);
    String text = "452 4.5.3 Hourly recipient quota reached, resets at ";
    return reply.equals(text + reset) || reply.equals(text + reset.plus(QuotaWindows.HOUR));
  }

  @Test
  void theSixthRecipientOfFiveAnHourGets452WithTheResetAndARaiseLetsMoreIn() throws Exception {
    try (EventLogLines events = EventLogLines.capture();
        RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)
        .with("relay.quotas.used-up-recheck = 200ms").start()) {
      RelayNode node = relay.node();
      ok(node.registry().service().createClient(client("quota-app", FROM, 5), "test"));
      Instant before = Instant.now();
      List<String> replies = new ArrayList<>();
      try (SmtpDialog first = transaction(FROM, relay.smtp())) {
        for (int i = 1; i <= 3; i++) {
          replies.add(rcpt(first, "r" + i + "@dest.test"));
        }
      }
      try (SmtpDialog second = transaction(FROM, relay.smtp())) {
        for (int i = 4; i <= 6; i++) {
          replies.add(rcpt(second, "r" + i + "@dest.test"));
        }
        assertEquals(List.of("250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok",
            "250 2.1.5 Ok"), replies.subList(0, 5));
        assertTrue(isHourlyQuotaReply(replies.get(5), before), replies.get(5));
        System.out.println("quota: sixth RCPT of 5/hour -> " + replies.get(5));

        JsonNode refused = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (refused == null && System.nanoTime() < deadline) {
          for (JsonNode line : events.lines()) {
            if ("refused".equals(line.path("event").asText())) {
              refused = line;
            }
          }
          Thread.sleep(20);
        }
        assertTrue(refused != null, "no refused line in the event log");
        assertEquals("rcpt", refused.get("stage").asText());
        assertEquals("quota-app", refused.get("client").asText());
        assertEquals(FROM, refused.get("source_ip").asText());
        assertEquals("r6@dest.test", refused.get("recipient").asText());
        assertEquals(replies.get(5), refused.get("reply").asText());

        // the operator posts a notice of 3 more for this window over HTTP, raising the quota
        Instant now = Instant.now();
        String token = Files.readString(relay.dataDir.resolve("admin-token")).strip();
        NodeApiTest.Answer posted = NodeApiTest.call(node.httpAddress().getPort(), "POST",
            "/api/v1/clients/quota-app/bulk-notices", token, "{\"expectedRecipients\":3,"
                + "\"from\":\"" + now.minusSeconds(60) + "\",\"until\":\""
                + now.plus(Duration.ofHours(2)) + "\",\"note\":\"extra batch\","
                + "\"raiseQuota\":true}");
        assertEquals(201, posted.status(), posted.body());
        assertEquals("quota-app-1", JSON.readTree(posted.body()).get("id").asText());
        NodeApiTest.Answer listed = NodeApiTest.call(node.httpAddress().getPort(), "GET",
            "/api/v1/bulk-notices", token, null);
        assertEquals(1, JSON.readTree(listed.body()).get("notices").size(), listed.body());
        long start = System.nanoTime();
        String reply;
        do {
          Thread.sleep(50);
          reply = rcpt(second, "r7@dest.test");
        } while (!reply.startsWith("250") && System.nanoTime() - start < 5_000_000_000L);
        assertEquals("250 2.1.5 Ok", reply);
        System.out.println("quota: raise seen after "
            + (System.nanoTime() - start) / 1_000_000 + " ms");
        assertEquals("250 2.1.5 Ok", rcpt(second, "r8@dest.test"));
        assertEquals("250 2.1.5 Ok", rcpt(second, "r9@dest.test"));
        assertTrue(isHourlyQuotaReply(rcpt(second, "r10@dest.test"), before));
      }
    }
  }
}

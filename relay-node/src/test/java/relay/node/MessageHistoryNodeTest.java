package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Done-when 6 of issue 11 on a real node (H2) over real SMTP, with a real DNS server and a real
 * sink that answers 451 to the recipient twice and then takes the message: GET
 * /api/v1/messages/{id} shows the acceptance and the three attempts, each with the remote reply,
 * and a search by recipient finds the message, delivered.
 */
class MessageHistoryNodeTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aMessageDeferredTwiceThenDeliveredShowsEveryAttemptAndIsFoundByRecipient()
      throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)
        .with("relay.queue.retry { initial = 300ms, multiplier = 1.0, max-interval = 300ms }")
        .start()) {
      int port = relay.node().httpAddress().getPort();
      String token = Files.readString(relay.dataDir.resolve("admin-token")).strip();
      String tag = UUID.randomUUID().toString();
      String recipient = "tempfail2-bob@dest.test";
      Instant sent = Instant.now();
      String reply = SmtpDialog.sendOne(relay.smtp(), "owner@sender.test", recipient,
          "Subject: " + tag + "\r\n\r\n" + tag + "\r\n");
      assertTrue(reply.startsWith("250 2.0.0"), reply);
      String id = reply.substring(reply.lastIndexOf(' ') + 1).strip();
      assertTrue(relay.sink.awaitMessages(1, Duration.ofSeconds(30)), "delivered at last");

      // The history is written in the background (every 200 ms): poll until the delivery is in.
      JsonNode message = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      long found = 0;
      while (System.nanoTime() < deadline) {
        NodeApiTest.Answer a = NodeApiTest.call(port, "GET", "/api/v1/messages/" + id, token,
            null);
        if (a.status() == 200) {
          message = JSON.readTree(a.body());
          if (message.get("events").size() == 4) {
            found = System.nanoTime();
            break;
          }
        }
        Thread.sleep(50);
      }
      assertTrue(message != null && found > 0, "history of " + id + ": " + message);
      System.out.println("MessageHistoryNodeTest: " + message.toPrettyString());

      assertEquals(id, message.get("id").asText());
      assertEquals("test-app", message.get("client").asText());
      assertEquals("127.0.0.1", message.get("sourceIp").asText());
      assertEquals("owner@sender.test", message.get("sender").asText());
      assertEquals(recipient, message.get("recipients").get(0).asText());
      assertTrue(message.get("size").asLong() > tag.length(), message.toString());
      assertTrue(!Instant.parse(message.get("receivedAt").asText()).isBefore(
          sent.minusSeconds(1)), message.toString());
      JsonNode events = message.get("events");
      assertEquals("accepted", events.get(0).get("kind").asText());
      for (int attempt = 1; attempt <= 2; attempt++) {
        JsonNode deferred = events.get(attempt);
        assertEquals("deferred", deferred.get("kind").asText(), deferred.toString());
        assertEquals(attempt, deferred.get("attempt").asInt());
        assertEquals(recipient, deferred.get("recipient").asText());
        assertEquals("451 4.3.0 Try again later (" + attempt + " of 2)",
            deferred.get("reply").asText());
        assertTrue(deferred.get("remoteHost").asText().contains("127.0.0.2"),
            deferred.toString());
      }
      JsonNode delivered = events.get(3);
      assertEquals("delivered", delivered.get("kind").asText());
      assertEquals(3, delivered.get("attempt").asInt());
      assertTrue(delivered.get("reply").asText().startsWith("250 2.0.0 Ok: queued as"),
          delivered.toString());
      assertTrue(Instant.parse(events.get(1).get("at").asText())
          .isBefore(Instant.parse(delivered.get("at").asText())));

      NodeApiTest.Answer search = NodeApiTest.call(port, "GET",
          "/api/v1/messages?recipient=TEMPFAIL2-bob@dest.test", token, null);
      assertEquals(200, search.status(), search.body());
      JsonNode list = JSON.readTree(search.body()).get("messages");
      assertEquals(1, list.size(), search.body());
      assertEquals(id, list.get(0).get("id").asText());
      assertEquals("delivered", list.get(0).get("status").asText());
      assertEquals("test-app", list.get(0).get("client").asText());
      NodeApiTest.Answer none = NodeApiTest.call(port, "GET",
          "/api/v1/messages?recipient=nobody@dest.test", token, null);
      assertEquals("{\"messages\":[]}", none.body());
      assertEquals(401, NodeApiTest.call(port, "GET", "/api/v1/messages/" + id, null, null)
          .status());
    }
  }
  @Test
  void aNodeWithHistoryOffWritesNoneAndStillAnswers() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)
        .with("relay.history.enabled = false").start()) {
      int port = relay.node().httpAddress().getPort();
      String token = Files.readString(relay.dataDir.resolve("admin-token")).strip();
      String reply = SmtpDialog.sendOne(relay.smtp(), "owner@sender.test", "carol@dest.test",
          "Subject: off\r\n\r\noff\r\n");
      assertTrue(reply.startsWith("250 2.0.0"), reply);
      String id = reply.substring(reply.lastIndexOf(' ') + 1).strip();
      assertTrue(relay.sink.awaitMessages(1, Duration.ofSeconds(30)));
      Thread.sleep(1_000); // several flush intervals, had a writer run
      NodeApiTest.Answer message = NodeApiTest.call(port, "GET", "/api/v1/messages/" + id, token,
          null);
      assertEquals(404, message.status(), message.body());
      assertEquals("application/problem+json", message.contentType());
      assertEquals("{\"messages\":[]}", NodeApiTest.call(port, "GET", "/api/v1/messages", token,
          null).body());
    }
  }
}

package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import relay.testing.ReceivedMessage;

/**
 * Issue 11, done-when 2 and 3, on a 3-node cluster of separate JVMs on PostgreSQL
 * ({@link ClusterFixture}), with real SMTP clients from 127.0.0.x source addresses and the real
 * sink behind the relay's DNS:
 * <ul>
 *   <li>an IP block POSTed over HTTP to node 1 refuses that address's next connection on node 3
 *       (554 5.7.1 with the reason); DELETE lets it in again;
 *   <li>a client registered over HTTP on node 2 relays through node 1 (the message reaches the
 *       sink); DELETE makes node 1 answer its RCPT 554 5.7.1;
 *   <li>a block and a client survive stopping and starting all three nodes, and while the nodes
 *       come back the client is never refused permanently (421 4.3.0 until a node's view is
 *       complete, then served).
 * </ul>
 * Each propagation time is measured from the moment the API answered and printed against the
 * 1 s target (not asserted tightly: the machine is shared).
 */
class OperatorControlClusterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "cluster-test-admin-token-0123456789";
  private static final String BLOCKED_IP = "127.0.0.20";
  private static final String APP_IP = "127.0.0.21";
  private static final String KEPT_BLOCK_IP = "127.0.0.22";
  private static final String KEPT_APP_IP = "127.0.0.23";
  private static final String WARM_UP_IP = "127.0.0.1"; // relay.clients' test-app
  private static final String RELAY_DENIED = "554 5.7.1 Relay access denied";
  private static final String NOT_YET = "421 4.3.0";

  private ClusterFixture cluster;
  private final List<String> timings = new ArrayList<>();

  @Test
  void blocksAndClientsOverHttpReachEveryNodeAndSurviveAFullRestart() throws Exception {
    try (ClusterFixture started = ClusterFixture.start(3, 2,
        "relay.http.admin-token = \"" + TOKEN + "\"")) {
      cluster = started;
      for (int i = 0; i < 3; i++) {
        warmUp(i);
      }
      ipBlockFromNode1IsEnforcedOnNode3();
      clientFromNode2RelaysThroughNode1();
      blocksAndClientsSurviveAFullRestart();
      timings.forEach(t -> System.out.println("operator control on 3 nodes: " + t));
    }
  }

  private void ipBlockFromNode1IsEnforcedOnNode3() throws Exception {
    assertTrue(greeting(2, BLOCKED_IP).startsWith("220 "), "not blocked yet");
    JsonNode block = api(0, "POST", "/api/v1/blocks",
        "{\"kind\":\"ip\",\"value\":\"" + BLOCKED_IP + "\",\"reason\":\"port scan\"}", 201);
    long answered = System.nanoTime();
    String refused = "554 5.7.1 node2.test Blocked: port scan";
    measured("ip block POSTed to node 1, refused on node 3",
        awaitReply(answered, () -> greeting(2, BLOCKED_IP), refused));
    try (SmtpDialog smtp = SmtpDialog.connectFrom(BLOCKED_IP, smtp(2))) {
      assertEquals(refused, smtp.reply());
      assertEquals("503 5.5.1 Bad sequence of commands: connection refused, send QUIT",
          smtp.command("EHLO scanner.test"));
      assertEquals("221 2.0.0 Bye", smtp.command("QUIT"));
    }

    api(0, "DELETE", "/api/v1/blocks/" + block.get("id").asText(), null, 204);
    answered = System.nanoTime();
    measured("ip block DELETEd on node 1, let in on node 3",
        awaitReply(answered, () -> greeting(2, BLOCKED_IP), "220 node2.test ESMTP"));
  }

  private void clientFromNode2RelaysThroughNode1() throws Exception {
    assertEquals(RELAY_DENIED, rcpt(0, APP_IP, "before"), "not a client yet");
    api(1, "POST", "/api/v1/clients", client("cluster-app", APP_IP), 201);
    long answered = System.nanoTime();
    measured("client POSTed to node 2, relaying through node 1",
        awaitReply(answered, () -> rcpt(0, APP_IP, "relayed 1"), "250 2.0.0 Ok: queued as"));
    assertArrives("relayed 1", APP_IP);

    api(1, "DELETE", "/api/v1/clients/cluster-app", null, 204);
    answered = System.nanoTime();
    measured("client DELETEd on node 2, refused by node 1",
        awaitReply(answered, () -> rcpt(0, APP_IP, "after delete"), RELAY_DENIED));
  }

  private void blocksAndClientsSurviveAFullRestart() throws Exception {
    api(0, "POST", "/api/v1/blocks",
        "{\"kind\":\"ip\",\"value\":\"" + KEPT_BLOCK_IP + "\",\"reason\":\"kept\"}", 201);
    api(1, "POST", "/api/v1/clients", client("kept-app", KEPT_APP_IP), 201);
    awaitReply(System.nanoTime(), () -> rcpt(2, KEPT_APP_IP, "kept 1"),
        "250 2.0.0 Ok: queued as");
    assertArrives("kept 1", KEPT_APP_IP);

    for (int i = 0; i < 3; i++) {
      int exit = cluster.node(i).terminate(Duration.ofSeconds(90));
      assertTrue(exit == 143 || exit == 0, "node " + (i + 1) + " stopped: exit " + exit);
    }
    long stopped = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      cluster.launch(i);
    }
    // while the nodes come back: the kept client is answered 421 4.3.0 at the most, never 5xx
    Map<String, Integer> seen = new TreeMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    String reply = "";
    while (!reply.startsWith("250 2.0.0 Ok: queued as")) {
      assertTrue(System.nanoTime() < deadline, "kept client not served again: " + seen);
      reply = rcptIfListening(0, KEPT_APP_IP, "kept 2");
      seen.merge(reply.length() > 9 ? reply.substring(0, 9) : reply, 1, Integer::sum);
      assertTrue(reply.isEmpty() || reply.startsWith("250") || reply.startsWith(NOT_YET),
          "while the cluster comes back the kept client got " + reply);
      Thread.sleep(reply.isEmpty() ? 200 : 20);
    }
    timings.add(String.format("after stopping all 3 nodes: kept client relays through node 1 "
        + "%d ms after the restart began; replies seen meanwhile %s",
        (System.nanoTime() - stopped) / 1_000_000, seen));
    for (int i = 0; i < 3; i++) {
      cluster.node(i).awaitReady(Duration.ofSeconds(120));
    }
    assertArrives("kept 2", KEPT_APP_IP);
    String kept = "554 5.7.1 node2.test Blocked: kept";
    assertEquals(kept, greeting(2, KEPT_BLOCK_IP), "node 3 is ready: its view is whole");
    for (int i = 0; i < 3; i++) {
      String blocks = api(i, "GET", "/api/v1/blocks", null, 200).toString();
      assertTrue(blocks.contains(KEPT_BLOCK_IP) && !blocks.contains(BLOCKED_IP),
          "node " + (i + 1) + " lists the kept block and not the deleted one: " + blocks);
      JsonNode clients = api(i, "GET", "/api/v1/clients", null, 200);
      assertTrue(clients.toString().contains("\"kept-app\"")
          && !clients.toString().contains("\"cluster-app\""), clients.toString());
    }
    assertTrue(rcpt(1, KEPT_APP_IP, "kept 3").startsWith("250 2.0.0 Ok: queued as"));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private InetSocketAddress smtp(int node) {
    return cluster.node(node).smtp;
  }

  /** An API call on node {@code node} as admin; asserts the status, returns the JSON body. */
  private JsonNode api(int node, String method, String path, String json, int status)
      throws Exception {
    NodeApiTest.Answer answer = NodeApiTest.call(cluster.node(node).ports.http(), method, path,
        TOKEN, json);
    assertEquals(status, answer.status(), method + " " + path + ": " + answer.body());
    return answer.body().isEmpty() ? JSON.nullNode() : JSON.readTree(answer.body());
  }

  private static String client(String id, String ip) {
    return "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"contacts\":[\"ops@" + id
        + ".test\"],\"addresses\":[{\"ip\":\"" + ip + "\",\"role\":\"production\"}]}";
  }

  private String greeting(int node, String from) throws Exception {
    try (SmtpDialog smtp = SmtpDialog.connectFrom(from, smtp(node))) {
      return smtp.reply();
    }
  }

  /**
   * A message to d01.test from {@code from} through node {@code node}: the first reply that is
   * not a 2xx/3xx (greeting, RCPT, ...) or the 250 to its end of data.
   */
  private String rcpt(int node, String from, String subject) throws Exception {
    try (SmtpDialog smtp = SmtpDialog.connectFrom(from, smtp(node))) {
      String greeting = smtp.reply();
      if (!greeting.startsWith("220")) {
        return greeting;
      }
      smtp.command("EHLO app.test");
      for (String command : List.of("MAIL FROM:<app@sender.test>",
          "RCPT TO:<someone@" + cluster.domains.get(1) + ">", "DATA")) {
        String reply = smtp.command(command);
        if (!reply.startsWith("250") && !reply.startsWith("354")) {
          return reply;
        }
      }
      String queued = smtp.send("From: app@sender.test\r\nTo: someone@" + cluster.domains.get(1)
          + "\r\nSubject: " + subject + "\r\n\r\nfrom " + from + "\r\n.\r\n").reply();
      smtp.command("QUIT");
      return queued;
    }
  }

  /** {@link #rcpt}, or "" while nothing listens (a node starting). */
  private String rcptIfListening(int node, String from, String subject) throws Exception {
    try {
      return rcpt(node, from, subject);
    } catch (java.net.SocketException e) {
      return "";
    }
  }

  /**
   * Calls {@code attempt} every 10 ms until its reply starts with {@code expected} (at most 30 s
   * after {@code since}); returns the milliseconds since {@code since}.
   */
  static long awaitReply(long since, Attempt attempt, String expected) throws Exception {
    long deadline = since + Duration.ofSeconds(30).toNanos();
    String reply = attempt.reply();
    while (!reply.startsWith(expected)) {
      assertTrue(System.nanoTime() < deadline, "still " + reply + " after 30 s, not " + expected);
      Thread.sleep(10);
      reply = attempt.reply();
    }
    return (System.nanoTime() - since) / 1_000_000;
  }

  private void measured(String what, long millis) {
    timings.add(String.format("%s after %d ms (target 1000 ms: %s)", what, millis,
        millis <= 1000 ? "met" : "MISSED"));
  }

  private void assertArrives(String subject, String from) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (ReceivedMessage m : cluster.sink.messages()) {
        if (m.text().contains("Subject: " + subject + "\r\n")) {
          assertTrue(m.text().contains("from " + from), m.text());
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("'" + subject + "' never reached the sink");
  }

  /**
   * A session of test-app on node {@code node}, retried while 421 4.3.0: the first session slot
   * of a fresh cluster waits for the shard coordinator.
   */
  private void warmUp(int node) throws Exception {
    awaitReply(System.nanoTime(), () -> greeting(node, WARM_UP_IP), "220 ");
  }

  @FunctionalInterface
  interface Attempt {
    String reply() throws Exception;
  }
}

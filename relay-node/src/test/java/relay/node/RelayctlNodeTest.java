package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import relay.cli.ExitCodes;
import relay.cli.Relayctl;

/**
 * relayctl against a running node (H2, its HTTP API on a loopback port, its bootstrap admin
 * token read from <data-dir>/admin-token through RELAY_TOKEN_FILE): clients and blocks in table
 * and --json form, a block made with relayctl refusing that IP's next SMTP connection and its
 * removal letting it in, the audit log, a message found and shown with its delivery, a queue
 * held, listed, shown and released, and the exit code of each kind of failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayctlNodeTest {

  record Run(int code, String out, String err) {}

  private final ObjectMapper json = new ObjectMapper();
  private RelayFixture relay;
  private final Map<String, String> env = new HashMap<>();

  @BeforeAll
  void startNode() throws Exception {
    relay = RelayFixture.create(RelayFixture.Storage.H2).start();
    env.put("RELAY_URL", "http://127.0.0.1:" + relay.node().httpAddress().getPort());
    env.put("RELAY_TOKEN_FILE", relay.dataDir.resolve("admin-token").toString());
  }

  @AfterAll
  void stopNode() throws Exception {
    relay.close();
  }

  private Run relayctl(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Relayctl.run(args, env, new ByteArrayInputStream(new byte[0]),
        new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private Run ok(String... args) {
    Run r = relayctl(args);
    assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
    return r;
  }

  private String greeting(String from) throws Exception {
    try (SmtpDialog smtp = SmtpDialog.connectFrom(from, relay.smtp())) {
      return smtp.reply();
    }
  }

  @Test
  void clientsAreListedShownAddedAndChangedInBothFormats() throws Exception {
    Run table = ok("clients");
    assertTrue(table.out().startsWith("ID "), table.out());
    assertTrue(table.out().lines().anyMatch(l -> l.matches(
        "test-app +test-app +active +config +127\\.0\\.0\\.1 .*")), table.out());

    JsonNode list = json.readTree(ok("clients", "--json").out());
    assertTrue(list.isArray(), list.toString());
    assertEquals("config", list.get(0).get("origin").asText());

    Run added = ok("clients", "add", "billing", "--name", "Billing app", "--contact",
        "ops@billing.example", "--production", "127.0.0.21", "--test", "127.0.0.22",
        "--sender-domain", "billing.example", "--max-sessions", "5");
    assertTrue(added.out().startsWith("registered client billing\n"), added.out());
    assertTrue(added.out().contains("addresses:       127.0.0.21 production\n"
        + "                 127.0.0.22 test\n"), added.out());

    JsonNode shown = json.readTree(ok("clients", "show", "billing", "--json").out());
    assertEquals(5, shown.get("limits").get("maxSessions").asInt());
    assertEquals("api", shown.get("origin").asText());

    Run patched = ok("clients", "patch", "billing", "--max-recipients", "10",
        "--contact", "noc@billing.example");
    assertTrue(patched.out().contains("limits:          max-sessions 5\n"
        + "                 max-recipients 10\n"), patched.out());
    assertTrue(patched.out().contains("contacts:        noc@billing.example\n"), patched.out());

    ok("clients", "suspend", "billing");
    assertEquals("554 5.7.1 relay.test Client suspended", greeting("127.0.0.21"));
    assertEquals("client billing is active\n", ok("clients", "resume", "billing").out());
    assertTrue(greeting("127.0.0.21").startsWith("220 "));

    assertEquals("deleted client billing\n", ok("clients", "delete", "billing").out());
    assertEquals("", ok("clients", "add", "gone", "--name", "Gone", "--contact",
        "a@gone.example", "--json").err());
    assertEquals("", ok("clients", "delete", "gone", "--json").out());
  }

  @Test
  void aBlockFromRelayctlRefusesTheNextConnectionAndItsRemovalLetsItIn() throws Exception {
    assertTrue(greeting("127.0.0.31").startsWith("220 "), "not blocked yet");
    Run added = ok("blocks", "add", "ip", "127.0.0.31", "--reason", "spam run", "--for", "2h");
    assertTrue(added.out().matches("blocked ip 127\\.0\\.0\\.31 \\((b\\d+)\\) until 20.*Z\n"),
        added.out());
    String id = added.out().replaceAll("(?s).*\\((b\\d+)\\).*", "$1");
    assertEquals("554 5.7.1 relay.test Blocked: spam run", greeting("127.0.0.31"));

    Run table = ok("blocks");
    assertTrue(table.out().lines().anyMatch(l -> l.matches(
        id + " +ip +127\\.0\\.0\\.31 +20\\S+Z +admin +spam run")), table.out());
    JsonNode blocks = json.readTree(ok("blocks", "list", "--json").out());
    JsonNode block = blocks.get(blocks.size() - 1);
    assertEquals("127.0.0.31", block.get("value").asText());
    assertEquals(id, block.get("id").asText());
    assertTrue(ok("blocks", "show", id).out().contains("reason:      spam run\n"));

    JsonNode permanent = json.readTree(ok("blocks", "add", "sender-domain", "spam.example",
        "--reason", "phishing", "--json").out());
    assertTrue(permanent.path("until").isMissingNode(), permanent.toString());

    assertEquals("removed block " + id + "\n", ok("blocks", "delete", id).out());
    assertTrue(greeting("127.0.0.31").startsWith("220 "), "unblocked");
    assertEquals(ExitCodes.NOT_FOUND, relayctl("blocks", "show", id).code());
    ok("blocks", "remove", permanent.get("id").asText());

    Run audit = ok("audit", "--limit", "50");
    assertTrue(audit.out().startsWith("AT "), audit.out());
    assertTrue(audit.out().lines().anyMatch(l -> l.contains(" admin ")
        && l.contains("127.0.0.31")), audit.out());
    JsonNode entries = json.readTree(ok("audit", "--json", "--limit", "2").out());
    assertEquals(2, entries.size(), entries.toString());
  }

  @Test
  void eachFailureHasItsExitCode() throws Exception {
    Run missing = relayctl("clients", "show", "nobody");
    assertEquals(ExitCodes.NOT_FOUND, missing.code(), missing.err());
    assertTrue(missing.err().startsWith("relayctl: GET /api/v1/clients/nobody: 404 "),
        missing.err());

    Run invalid = relayctl("clients", "add", "nocontact", "--name", "No contact");
    assertEquals(ExitCodes.REJECTED, invalid.code(), invalid.err());
    assertTrue(invalid.err().contains("422 contacts:"), invalid.err());
    Run range = relayctl("blocks", "add", "ip", "10.0.0.0/8", "--reason", "r", "--json");
    assertEquals(ExitCodes.REJECTED, range.code(), range.err());
    assertEquals(422, json.readTree(range.out()).get("status").asInt(), range.out());
    Run taken = relayctl("clients", "add", "test-app", "--name", "x", "--contact", "a@b.example");
    assertEquals(ExitCodes.REJECTED, taken.code(), taken.err());
    assertTrue(taken.err().contains(": 409 "), taken.err());

    Run denied = relayctl("clients", "--token", "not-the-token-of-anybody-at-all");
    assertEquals(ExitCodes.DENIED, denied.code(), denied.err());
    assertTrue(denied.err().contains("401"), denied.err());

    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    assertEquals(ExitCodes.UNREACHABLE,
        relayctl("clients", "--url", "http://127.0.0.1:" + closed).code());
  }

  /** Polls relayctl until {@code done} holds for its output (at most 20 s). */
  private Run until(java.util.function.Predicate<Run> done, String... args) throws Exception {
    long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    Run r = relayctl(args);
    while (!done.test(r) && System.nanoTime() < end) {
      Thread.sleep(200);
      r = relayctl(args);
    }
    return r;
  }

  @Test
  void aMessageIsFoundByRecipientAndShownWithItsDelivery() throws Exception {
    String reply = SmtpDialog.sendOne(relay.smtp(), "app@sender.test", "carol@dest.test",
        "Subject: relayctl\r\n\r\nhello\r\n");
    assertTrue(reply.startsWith("250 "), reply);
    String id = reply.replaceAll("(?s).*queued as (\\S+).*", "$1").strip();

    Run shown = until(r -> r.code() == 0 && r.out().contains("delivered"), "messages", "show", id);
    assertEquals(0, shown.code(), shown.err());
    assertTrue(shown.out().startsWith("id:          " + id + "\n"), shown.out());
    assertTrue(shown.out().contains("recipients:  carol@dest.test\n"), shown.out());
    assertTrue(shown.out().lines().anyMatch(l -> l.matches(
        "\\S+Z +delivered +\\d+ +carol@dest\\.test +\\S+ +250 .*")), shown.out());
    JsonNode message = json.readTree(ok("messages", "show", id, "--json").out());
    assertEquals("test-app", message.get("client").asText());

    Run found = ok("messages", "--recipient", "CAROL@dest.test", "--since", "1h");
    assertTrue(found.out().lines().anyMatch(l -> l.startsWith(id + " ")
        && l.contains(" test-app ") && l.contains(" delivered ")), found.out());
    JsonNode list = json.readTree(ok("messages", "--recipient", "carol@dest.test", "--json")
        .out());
    assertEquals(id, list.get("messages").get(0).get("id").asText());
    assertEquals(ExitCodes.NOT_FOUND, relayctl("messages", "show", "NOSUCHID").code());
  }

  @Test
  void aQueueIsHeldListedShownAndReleased() throws Exception {
    relay.dns.mx("hold.test", 10, "mx.hold.test").a("mx.hold.test", "127.0.0.2");
    Run held = ok("queues", "suspend", "hold.test");
    assertTrue(held.out().startsWith("hold.test: suspended ("), held.out());
    String reply = SmtpDialog.sendOne(relay.smtp(), "app@sender.test", "dave@hold.test",
        "Subject: held\r\n\r\nwaits\r\n");
    assertTrue(reply.startsWith("250 "), reply);
    String id = reply.replaceAll("(?s).*queued as (\\S+).*", "$1").strip();

    Run table = until(r -> r.out().lines().anyMatch(l -> l.startsWith("hold.test ")), "queues");
    assertTrue(table.out().startsWith("DOMAIN "), table.out());
    assertTrue(table.out().lines().anyMatch(l -> l.matches(
        "hold\\.test +1 +0 +\\S+ +held +-")), table.out());
    JsonNode queues = json.readTree(ok("queues", "--json").out()).get("queues");
    JsonNode queue = null;
    for (JsonNode q : queues) {
      if (q.get("domain").asText().equals("hold.test")) {
        queue = q;
      }
    }
    assertTrue(queue != null && queue.get("depth").asInt() == 1
        && queue.get("suspended").asBoolean(), queues.toString());

    Run shown = ok("queues", "show", "hold.test");
    assertTrue(shown.out().contains("held:        yes, by admin at "), shown.out());
    assertTrue(shown.out().lines().anyMatch(l -> l.startsWith(id + " ")
        && l.endsWith("app@sender.test  dave@hold.test")), shown.out());
    assertEquals(id, json.readTree(ok("queues", "show", "hold.test", "--json").out())
        .get("messages").get(0).get("id").asText());

    assertTrue(ok("queues", "resume", "hold.test").out().startsWith("hold.test: resumed ("));
    Run delivered = until(r -> r.out().contains("delivered"), "messages", "show", id);
    assertTrue(delivered.out().contains("delivered"), delivered.out());
    assertEquals(ExitCodes.NOT_FOUND, relayctl("queues", "show", "nothing-queued.test").code());
    assertEquals(ExitCodes.USAGE, relayctl("queues", "bounce", "hold.test").code());
  }

  @Test
  void aViewerTokenMadeWithRelayctlReadsButCannotChange() throws Exception {
    Run made = ok("tokens", "add", "night-shift", "--role", "viewer");
    assertTrue(made.out().startsWith("token "), made.out());
    String secret = made.out().lines().skip(1).findFirst().orElseThrow();
    String id = made.out().replaceAll("(?s)^token (\\S+) .*", "$1");
    assertTrue(ok("tokens").out().lines().anyMatch(l -> l.startsWith(id + " ")
        && l.contains(" night-shift ") && l.contains(" viewer ")), "listed");
    assertTrue(!ok("tokens", "--json").out().contains(secret), "no secret in the list");

    Run read = ok("clients", "--token", secret);
    assertTrue(read.out().contains("test-app"), read.out());
    Run write = relayctl("blocks", "add", "ip", "192.0.2.99", "--reason", "r", "--token", secret);
    assertEquals(ExitCodes.DENIED, write.code(), write.err());
    assertTrue(write.err().contains(": 403 "), write.err());

    assertEquals("revoked token " + id + "\n", ok("tokens", "revoke", id).out());
    assertEquals(ExitCodes.DENIED, relayctl("clients", "--token", secret).code());
  }

  @Test
  void aCredentialAddedWithRelayctlIsListedWithoutItsPasswordAndDeleted() throws Exception {
    Run made = ok("credentials", "add", "test-app", "--username", "Test-App-Web", "--note",
        "web shop");
    assertTrue(made.out().startsWith("credential "), made.out());
    String password = made.out().lines().skip(1).findFirst().orElseThrow();
    assertTrue(password.matches("[A-Za-z0-9_-]{32}"), made.out());
    String id = made.out().replaceAll("(?s)^credential (\\S+) .*", "$1");
    assertTrue(ok("credentials", "test-app").out().lines().anyMatch(l -> l.startsWith(id + " ")
        && l.contains(" Test-App-Web ") && l.contains(" web shop ")), "listed");
    String json = ok("credentials", "test-app", "--json").out();
    assertTrue(json.contains("Test-App-Web") && !json.contains(password)
        && !json.contains("argon2"), json);
    assertEquals(ExitCodes.REJECTED, relayctl("credentials", "add", "test-app", "--username",
        "test-app-WEB").code(), "taken ignoring case");
    assertEquals(ExitCodes.NOT_FOUND, relayctl("credentials", "nobody").code());
    assertEquals("deleted credential " + id + " of client test-app\n",
        ok("credentials", "delete", "test-app", id).out());
    assertTrue(ok("credentials", "test-app").out().lines().noneMatch(l -> l.startsWith(id + " ")));
    assertEquals(ExitCodes.NOT_FOUND, relayctl("credentials", "delete", "test-app", id).code());
  }
}

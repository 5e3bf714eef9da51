package relay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's side of the API contract against a stand-in node on a loopback port: where the URL
 * and token come from, what is sent (method, path, headers, body), what is printed with and
 * without --json, and the exit code of each kind of failure.
 */
class RelayctlTest {

  private StandInNode node;
  private final Map<String, String> env = new HashMap<>();
  private String stdin = "";
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    node = new StandInNode();
    env.put("RELAY_URL", node.url());
    env.put("RELAY_TOKEN", "env-token");
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private CliRun run(String... args) {
    return CliRun.run(env, stdin, args);
  }

  private static final String CLIENTS = "[{\"id\":\"billing\",\"name\":\"Billing app\","
      + "\"contacts\":[\"ops@billing.example\"],\"addresses\":[{\"ip\":\"192.0.2.10\","
      + "\"role\":\"production\"},{\"ip\":\"192.0.2.11\",\"role\":\"test\"}],"
      + "\"senderDomains\":[],\"limits\":{\"maxSessions\":20},\"state\":\"active\","
      + "\"origin\":\"api\"}]";

  @Test
  void listsClientsAsATableOrAsTheApisJson() {
    node.answer(200, CLIENTS);
    CliRun table = run("clients");
    assertEquals(0, table.code(), table.err());
    assertEquals(""
        + "ID       NAME         STATE   ORIGIN  ADDRESSES                      CONTACTS\n"
        + "billing  Billing app  active  api     192.0.2.10, 192.0.2.11 (test)  ops@billing.example\n",
        table.out());
    assertEquals("GET", node.last().method());
    assertEquals("/api/v1/clients", node.last().uri());
    assertEquals("Bearer env-token", node.last().authorization());

    CliRun json = run("clients", "list", "--json");
    assertEquals(0, json.code(), json.err());
    assertEquals(CLIENTS + "\n", json.out());
    CliRun jsonFirst = run("--json", "clients");
    assertEquals(CLIENTS + "\n", jsonFirst.out());
  }

  @Test
  void optionsWinOverTheEnvironmentAndATokenFileIsRead() throws Exception {
    node.answer(200, "[]");
    Path file = dir.resolve("admin-token");
    Files.writeString(file, "file-token\n");
    assertEquals(0, run("clients", "--token-file", file.toString()).code());
    assertEquals("Bearer file-token", node.last().authorization());
    assertEquals(0, run("--token", "flag-token", "blocks").code());
    assertEquals("Bearer flag-token", node.last().authorization());
    env.remove("RELAY_TOKEN");
    env.put("RELAY_TOKEN_FILE", file.toString());
    CliRun r = run("blocks");
    assertEquals("Bearer file-token", node.last().authorization());
    assertEquals("no blocks in force\n", r.out());

    env.put("RELAY_URL", "http://127.0.0.1:1");
    assertEquals(0, run("--url", node.url() + "/", "audit", "--limit", "5").code());
    assertEquals("/api/v1/audit?limit=5", node.last().uri());
  }

  @Test
  void addSendsTheClientAsTheApiNamesItsFields() {
    node.answer(201, CLIENTS.substring(1, CLIENTS.length() - 1));
    CliRun r = run("clients", "add", "billing", "--name", "Billing app", "--contact",
        "ops@billing.example", "--production", "192.0.2.10", "--test", "192.0.2.11",
        "--sender-domain", "billing.example,billing.test", "--max-sessions", "20",
        "--max-message-size", "1048576");
    assertEquals(0, r.code(), r.err());
    assertEquals("POST", node.last().method());
    assertEquals("application/json", node.last().contentType());
    assertEquals("{\"name\":\"Billing app\",\"contacts\":[\"ops@billing.example\"],"
        + "\"addresses\":[{\"ip\":\"192.0.2.10\",\"role\":\"production\"},{\"ip\":\"192.0.2.11\","
        + "\"role\":\"test\"}],\"senderDomains\":[\"billing.example\",\"billing.test\"],"
        + "\"limits\":{\"maxSessions\":20,\"maxMessageSize\":1048576},\"id\":\"billing\"}",
        node.last().body());
    assertTrue(r.out().startsWith("registered client billing\nid:"), r.out());
    assertTrue(r.out().contains("limits:          max-sessions 20\n"), r.out());
    assertTrue(r.out().contains("sender domains:  any\n"), r.out());
  }

  @Test
  void patchSendsAMergePatchAndAFileGoesUnderTheOptions() throws Exception {
    node.answer(200, CLIENTS.substring(1, CLIENTS.length() - 1));
    stdin = "{\"limits\":{\"recipientsPerDay\":5000},\"name\":\"old\"}";
    CliRun r = run("clients", "patch", "billing", "--file", "-", "--name", "New name",
        "--max-sessions", "50");
    assertEquals(0, r.code(), r.err());
    assertEquals("PATCH", node.last().method());
    assertEquals("/api/v1/clients/billing", node.last().uri());
    assertEquals("application/merge-patch+json", node.last().contentType());
    assertEquals("{\"limits\":{\"recipientsPerDay\":5000,\"maxSessions\":50},"
        + "\"name\":\"New name\"}", node.last().body());

    assertEquals(0, run("clients", "suspend", "billing").code());
    assertEquals("{\"state\":\"suspended\"}", node.last().body());
    CliRun nothing = run("clients", "patch", "billing");
    assertEquals(ExitCodes.USAGE, nothing.code());
    assertTrue(nothing.err().contains("nothing to change"), nothing.err());
  }

  @Test
  void aBlockEndsAtAnInstantOrAfterADurationOrNever() {
    node.answer(201, "{\"id\":\"b3\",\"kind\":\"ip\",\"value\":\"198.51.100.7\","
        + "\"reason\":\"spam run\",\"until\":\"2026-12-31T00:00:00Z\",\"createdBy\":\"admin\","
        + "\"createdAt\":\"2026-12-05T08:00:00.5Z\"}");
    CliRun r = run("blocks", "add", "ip", "198.51.100.7", "--reason", "spam run", "--until",
        "2026-12-31T00:00:00Z");
    assertEquals(0, r.code(), r.err());
    assertEquals("{\"kind\":\"ip\",\"value\":\"198.51.100.7\",\"reason\":\"spam run\","
        + "\"until\":\"2026-12-31T00:00:00Z\"}", node.last().body());
    assertEquals("blocked ip 198.51.100.7 (b3) until 2026-12-31T00:00:00Z\n", r.out());
    assertEquals(0, run("blocks", "add", "sender-domain", "x.example", "--reason", "r",
        "--for", "2h").code());
    assertTrue(node.last().body().matches(".*\"until\":\"20\\d\\d-[^\"]+Z\"}"),
        node.last().body());
    assertEquals(0, run("blocks", "add", "client", "billing", "--reason", "r").code());
    assertFalse(node.last().body().contains("until"), node.last().body());

    CliRun both = run("blocks", "add", "ip", "192.0.2.1", "--reason", "r", "--for", "2h",
        "--until", "3h");
    assertEquals(ExitCodes.USAGE, both.code());
    CliRun noReason = run("blocks", "add", "ip", "192.0.2.1");
    assertEquals(ExitCodes.USAGE, noReason.code());
    assertTrue(noReason.err().contains("--reason"), noReason.err());
  }

  @Test
  void eachKindOfFailureHasItsExitCodeAndOneLineOnStandardError() throws Exception {
    String problem = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
        + "\"detail\":\"no client 'nobody'\",\"instance\":\"/api/v1/clients/nobody\"}";
    node.answer(404, problem);
    CliRun notFound = run("clients", "show", "nobody");
    assertEquals(ExitCodes.NOT_FOUND, notFound.code());
    assertEquals("relayctl: GET /api/v1/clients/nobody: 404 no client 'nobody'\n",
        notFound.err());
    assertEquals("", notFound.out());
    CliRun notFoundJson = run("clients", "show", "nobody", "--json");
    assertEquals(problem + "\n", notFoundJson.out());

    node.answer(401, "{\"status\":401,\"detail\":\"unknown token\"}");
    CliRun denied = run("clients");
    assertEquals(ExitCodes.DENIED, denied.code());
    assertTrue(denied.err().contains("RELAY_TOKEN"), denied.err());
    node.answer(403, "{\"status\":403,\"detail\":\"only an admin token deletes clients\"}");
    assertEquals(ExitCodes.DENIED, run("clients", "delete", "billing").code());
    node.answer(422, "{\"status\":422,\"detail\":\"contacts: at least one email address is"
        + " required\"}");
    CliRun rejected = run("clients", "add", "x", "--name", "X");
    assertEquals(ExitCodes.REJECTED, rejected.code());
    assertTrue(rejected.err().endsWith("422 contacts: at least one email address is required\n"),
        rejected.err());
    node.answer(409, "{\"status\":409,\"detail\":\"client 'x' exists\"}");
    assertEquals(ExitCodes.REJECTED, run("clients", "add", "x").code());
    node.answer(503, "{\"status\":503,\"detail\":\"the registry did not answer in time\"}");
    assertEquals(ExitCodes.SERVER, run("blocks").code());
    node.answer(500, "<html>oops</html>");
    CliRun html = run("blocks");
    assertEquals(ExitCodes.SERVER, html.code());
    assertEquals("relayctl: GET /api/v1/blocks: 500\n", html.err());
    node.answer(200, "not json");
    assertEquals(ExitCodes.SERVER, run("blocks").code());
    node.answer(200, "{\"unexpected\":true}");
    assertEquals(ExitCodes.SERVER, run("blocks").code());

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    CliRun down = run("--url", "http://127.0.0.1:" + closed, "clients");
    assertEquals(ExitCodes.UNREACHABLE, down.code());
    assertTrue(down.err().startsWith("relayctl: cannot reach the node at http://127.0.0.1:"),
        down.err());
  }

  @Test
  void usageErrorsAreCaughtBeforeAnyRequest() {
    int before = node.requests.size();
    assertEquals(ExitCodes.USAGE, run().code());
    assertEquals(ExitCodes.USAGE, run("frobnicate").code());
    assertEquals(ExitCodes.USAGE, run("clients", "show").code());
    assertEquals(ExitCodes.USAGE, run("--url", "ftp://x", "clients").code());
    assertEquals(ExitCodes.USAGE, run("--timeout", "soon", "clients").code());
    assertEquals(ExitCodes.USAGE, run("clients", "--token-file", "/nonexistent/t").code());
    assertEquals(ExitCodes.USAGE, run("clients", "--token", "a", "--token-file", "b").code());
    assertEquals(ExitCodes.USAGE, run("clients", "add", "--file", "/nonexistent/c.json").code());
    assertEquals(ExitCodes.USAGE, run("audit", "--limit", "many").code());
    env.remove("RELAY_TOKEN");
    CliRun noToken = run("clients");
    assertEquals(ExitCodes.DENIED, noToken.code());
    assertTrue(noToken.err().contains("no token"), noToken.err());
    assertEquals(before, node.requests.size(), "no request was sent");

    CliRun help = run("--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("Exit codes:"), help.out());
    assertTrue(help.out().contains("RELAY_TOKEN_FILE"), help.out());
    CliRun subHelp = run("blocks", "add", "--help");
    assertEquals(0, subHelp.code(), subHelp.err());
    assertTrue(subHelp.out().contains("recipient-domain"), subHelp.out());
  }

  @Test
  void theTokenIsNeverPrinted() {
    node.answer(401, "{\"status\":401,\"detail\":\"unknown token\"}");
    CliRun r = run("--token", "s3cret-token-value", "clients");
    assertFalse(r.out().contains("s3cret"), r.out());
    assertFalse(r.err().contains("s3cret"), r.err());
  }
}

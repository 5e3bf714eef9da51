package relay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * queues, messages, announce, notices and tokens against a stand-in node answering in the
 * agreed shapes: the request each sends and the tables and detail views each prints.
 */
class ResourceCommandsTest {

  private StandInNode node;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void start() throws Exception {
    node = new StandInNode();
    env.put("RELAY_URL", node.url());
    env.put("RELAY_TOKEN", "t");
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private CliRun ok(String... args) {
    CliRun r = CliRun.run(env, "", args);
    assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
    return r;
  }

  private static final String QUEUE = "{\"domain\":\"example.com\",\"depth\":12,"
      + "\"recipients\":14,\"oldestAgeSeconds\":340,\"deferred\":3,\"inFlight\":1,"
      + "\"lastError\":\"451 4.7.1 try later\",\"suspended\":true,\"suspendedBy\":\"admin\","
      + "\"suspendedAt\":\"2026-12-05T08:00:00Z\",\"shaping\":{\"maxConnections\":5,"
      + "\"messagesPerMinute\":600}";

  @Test
  void queuesAreListedLikeMailqAndShownWithTheirMessages() {
    node.answer(200, "{\"queues\":[" + QUEUE + "},{\"domain\":\"b.example\",\"depth\":1,"
        + "\"oldestAgeSeconds\":null,\"deferred\":0,\"lastError\":null,\"suspended\":false,"
        + "\"shaping\":null}]}");
    assertEquals(""
        + "DOMAIN       DEPTH  DEFERRED  OLDEST  HELD  LAST ERROR\n"
        + "example.com     12         3   5m40s  held  451 4.7.1 try later\n"
        + "b.example        1         0       -  -     -\n", ok("queues").out());
    assertEquals("/api/v1/queues", node.last().uri());

    node.answer(200, QUEUE + ",\"messages\":[{\"id\":\"7F3A2B\",\"sender\":\"\","
        + "\"recipients\":[\"a@example.com\",\"b@example.com\"],\"size\":2048,"
        + "\"enqueuedAt\":\"2026-12-05T07:54:20.123Z\",\"attempts\":2,\"nextAttemptAt\":null,"
        + "\"lastError\":null}]}");
    String shown = ok("queues", "show", "example.com", "--limit", "5").out();
    assertEquals("/api/v1/queues/example.com?limit=5", node.last().uri());
    assertEquals(""
        + "domain:      example.com\n"
        + "depth:       12 messages, 14 recipients\n"
        + "deferred:    3\n"
        + "oldest:      5m40s\n"
        + "held:        yes, by admin at 2026-12-05T08:00:00Z\n"
        + "last error:  451 4.7.1 try later\n"
        + "shaping:     maxConnections 5\n"
        + "             messagesPerMinute 600\n"
        + "\n"
        + "ID      ENQUEUED              SIZE  ATTEMPTS  NEXT ATTEMPT  SENDER  RECIPIENTS\n"
        + "7F3A2B  2026-12-05T07:54:20Z  2.0K         2  -             <>      a@example.com,"
        + " b@example.com\n", shown);
  }

  @Test
  void queueActionsPostToTheirPathAndBounceWantsYes() {
    node.answer(202, "{\"domain\":\"example.com\",\"action\":\"suspend\",\"affected\":12}");
    assertEquals("example.com: suspended (12 messages)\n",
        ok("queues", "suspend", "example.com").out());
    assertEquals("POST /api/v1/queues/example.com/suspend",
        node.last().method() + " " + node.last().uri());
    ok("queues", "retry", "example.com");
    assertEquals("/api/v1/queues/example.com/retry", node.last().uri());
    int before = node.requests.size();
    CliRun noYes = CliRun.run(env, "", "queues", "bounce", "example.com");
    assertEquals(ExitCodes.USAGE, noYes.code());
    assertTrue(noYes.err().contains("--yes"), noYes.err());
    assertEquals(before, node.requests.size());
    ok("queues", "bounce", "example.com", "--yes");
    assertEquals("/api/v1/queues/example.com/bounce", node.last().uri());
    assertEquals("{\"domain\":\"example.com\",\"action\":\"suspend\",\"affected\":12}\n",
        ok("queues", "resume", "example.com", "--json").out());
  }

  @Test
  void messagesAreSearchedAndOneIsShownWithEveryAttempt() {
    node.answer(200, "{\"messages\":[{\"id\":\"7F3A2B\",\"client\":\"billing\","
        + "\"sender\":\"app@billing.example\",\"recipients\":[\"bob@example.com\"],"
        + "\"recipientCount\":3,\"size\":900,\"receivedAt\":\"2026-12-05T07:00:00Z\","
        + "\"status\":\"delivered\"}]}");
    String table = ok("messages", "--recipient", "bob@example.com", "--since",
        "2026-12-01T00:00:00Z", "--client", "billing", "--limit", "10").out();
    assertEquals("/api/v1/messages?client=billing&recipient=bob%40example.com"
        + "&since=2026-12-01T00%3A00%3A00Z&limit=10", node.last().uri());
    assertEquals(""
        + "ID      RECEIVED              CLIENT   STATUS     SIZE  SENDER               RECIPIENTS\n"
        + "7F3A2B  2026-12-05T07:00:00Z  billing  delivered   900  app@billing.example"
        + "  bob@example.com (+2)\n", table);
    ok("messages", "--since", "2h");
    assertTrue(node.last().uri().matches("/api/v1/messages\\?since=20\\d\\d-.*Z"),
        node.last().uri());

    node.answer(200, "{\"id\":\"7F3A2B\",\"client\":\"billing\",\"sourceIp\":\"192.0.2.10\","
        + "\"sender\":\"app@billing.example\",\"recipients\":[\"bob@example.com\"],\"size\":900,"
        + "\"receivedAt\":\"2026-12-05T07:00:00Z\",\"events\":["
        + "{\"at\":\"2026-12-05T07:00:00Z\",\"kind\":\"accepted\",\"recipient\":null,"
        + "\"remoteHost\":null,\"reply\":null},"
        + "{\"at\":\"2026-12-05T07:00:01Z\",\"kind\":\"deferred\",\"attempt\":1,"
        + "\"recipient\":\"bob@example.com\","
        + "\"remoteHost\":\"mx.example.com\",\"reply\":\"451 4.7.1 try later\"},"
        + "{\"at\":\"2026-12-05T07:05:01Z\",\"kind\":\"delivered\",\"attempt\":2,"
        + "\"recipient\":\"bob@example.com\","
        + "\"remoteHost\":\"mx.example.com\",\"reply\":\"250 2.0.0 ok\"}],\"eventsTruncated\":true}");
    String shown = ok("messages", "show", "7F3A2B").out();
    assertEquals("/api/v1/messages/7F3A2B", node.last().uri());
    assertEquals(""
        + "id:          7F3A2B\n"
        + "received:    2026-12-05T07:00:00Z\n"
        + "client:      billing\n"
        + "source ip:   192.0.2.10\n"
        + "sender:      app@billing.example\n"
        + "recipients:  bob@example.com\n"
        + "size:        900\n"
        + "\n"
        + "AT                    EVENT      ATTEMPT  RECIPIENT        REMOTE HOST     REPLY\n"
        + "2026-12-05T07:00:00Z  accepted         -  -                -               -\n"
        + "2026-12-05T07:00:01Z  deferred         1  bob@example.com  mx.example.com  451 4.7.1"
        + " try later\n"
        + "2026-12-05T07:05:01Z  delivered        2  bob@example.com  mx.example.com  250 2.0.0 ok\n"
        + "(more events than shown)\n",
        shown);
  }

  @Test
  void announcementsNoticesAndTokensSendTheAgreedBodies() throws Exception {
    node.answer(202, "{\"id\":\"a1\",\"clients\":2,\"recipients\":7}");
    assertEquals("announcement a1 queued to 7 contacts of 2 clients\n", CliRun.run(env,
        "Sunday 06:00 UTC\n", "announce", "--subject", "Maintenance", "--body-file", "-",
        "--client", "billing,shop").out());
    assertEquals("{\"subject\":\"Maintenance\",\"body\":\"Sunday 06:00 UTC\\n\","
        + "\"clients\":[\"billing\",\"shop\"]}", node.last().body());
    assertEquals(ExitCodes.USAGE, CliRun.run(env, "", "announce", "--subject", "x").code());

    node.answer(201, "{\"id\":\"n1\",\"client\":\"billing\",\"expectedRecipients\":200000,"
        + "\"from\":\"2026-12-10T06:00:00Z\",\"until\":\"2026-12-10T18:00:00Z\","
        + "\"raiseQuota\":true}");
    assertEquals("bulk notice n1 for billing: 200000 recipients 2026-12-10T06:00:00Z to"
        + " 2026-12-10T18:00:00Z, quota raised\n", ok("notices", "add", "billing",
        "--expected", "200000", "--from", "2026-12-10T06:00:00Z", "--until",
        "2026-12-10T18:00:00Z", "--raise-quota").out());
    assertEquals("/api/v1/clients/billing/bulk-notices", node.last().uri());
    assertEquals("{\"expectedRecipients\":200000,\"from\":\"2026-12-10T06:00:00Z\","
        + "\"until\":\"2026-12-10T18:00:00Z\",\"raiseQuota\":true}", node.last().body());
    node.answer(200, "{\"notices\":[]}");
    assertEquals("no bulk notices\n", ok("notices").out());
    assertEquals("/api/v1/bulk-notices", node.last().uri());
    ok("notices", "--client", "billing");
    assertEquals("/api/v1/clients/billing/bulk-notices", node.last().uri());

    node.answer(201, "{\"id\":\"k2\",\"name\":\"dash\",\"role\":\"client\",\"client\":\"billing\","
        + "\"token\":\"s3cr3t-once\"}");
    assertEquals("token k2 (dash, client of billing):\ns3cr3t-once\nIt is shown only now:"
        + " store it.\n", ok("tokens", "add", "dash", "--role", "client", "--client", "billing")
        .out());
    assertEquals("{\"name\":\"dash\",\"role\":\"client\",\"client\":\"billing\"}",
        node.last().body());
    node.answer(200, "{\"tokens\":[{\"id\":\"k1\",\"name\":\"ops\",\"role\":\"viewer\","
        + "\"createdBy\":\"admin\",\"createdAt\":\"2026-12-05T08:00:00Z\"}]}");
    assertEquals("ID  NAME  ROLE    CLIENT  CREATED               BY\n"
        + "k1  ops   viewer  -       2026-12-05T08:00:00Z  admin\n", ok("tokens").out());
    node.answer(200, "{\"id\":\"k1\",\"name\":\"ops\",\"role\":\"viewer\","
        + "\"createdBy\":\"admin\",\"createdAt\":\"2026-12-05T08:00:00Z\"}");
    assertEquals("id:       k1\nname:     ops\nrole:     viewer\nclient:   -\n"
        + "created:  2026-12-05T08:00:00Z by admin\n", ok("tokens", "show", "k1").out());
    assertEquals("/api/v1/tokens/k1", node.last().uri());
    node.answer(204, "");
    assertEquals("revoked token k1\n", ok("tokens", "revoke", "k1").out());
    assertEquals("DELETE /api/v1/tokens/k1", node.last().method() + " " + node.last().uri());
  }

  @Test
  void credentialsAreAddedWithTheirPasswordOnceListedAndDeleted() {
    node.answer(201, "{\"id\":\"c2\",\"client\":\"billing\",\"username\":\"billing-web\","
        + "\"password\":\"Pa55-once_0123456789abcdefghijkl\",\"createdBy\":\"admin\","
        + "\"createdAt\":\"2026-12-05T08:00:00Z\"}");
    assertEquals("credential c2 of client billing, username billing-web, password:\n"
        + "Pa55-once_0123456789abcdefghijkl\nIt is shown only now: store it.\n",
        ok("credentials", "add", "billing", "--username", "billing-web", "--note", "web shop")
            .out());
    assertEquals("POST /api/v1/clients/billing/credentials", node.last().method() + " "
        + node.last().uri());
    assertEquals("{\"username\":\"billing-web\",\"note\":\"web shop\"}", node.last().body());
    ok("credentials", "add", "billing");
    assertEquals("{}", node.last().body());

    node.answer(200, "{\"credentials\":[{\"id\":\"c1\",\"client\":\"billing\","
        + "\"username\":\"billing\",\"note\":\"copier\",\"createdBy\":\"admin\","
        + "\"createdAt\":\"2026-12-05T08:00:00Z\"}]}");
    assertEquals("ID  USERNAME  NOTE    EXPIRES  CREATED               BY\n"
        + "c1  billing   copier  -        2026-12-05T08:00:00Z  admin\n",
        ok("credentials", "billing").out());
    assertEquals("GET /api/v1/clients/billing/credentials", node.last().method() + " "
        + node.last().uri());
    ok("credentials", "list", "billing");
    assertEquals("/api/v1/clients/billing/credentials", node.last().uri());
    String json = ok("--json", "credentials", "billing").out();
    assertTrue(json.contains("\"username\" : \"billing\"") || json.contains(
        "\"username\":\"billing\""), json);
    node.answer(200, "{\"credentials\":[]}");
    assertEquals("no credentials\n", ok("credentials", "billing").out());

    node.answer(204, "");
    assertEquals("deleted credential c1 of client billing\n",
        ok("credentials", "delete", "billing", "c1").out());
    assertEquals("DELETE /api/v1/clients/billing/credentials/c1", node.last().method() + " "
        + node.last().uri());
    CliRun none = CliRun.run(env, "", "credentials");
    assertEquals(2, none.code(), none.err());
  }
}

package relay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How single values are shown, and how times on the command line are read. */
class CellsTest {

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void agesShowTheTwoLargestUnits() {
    assertEquals("0s", Cells.age(0));
    assertEquals("45s", Cells.age(45));
    assertEquals("5m40s", Cells.age(340));
    assertEquals("5m", Cells.age(300));
    assertEquals("3h12m", Cells.age(3 * 3600 + 12 * 60 + 5));
    assertEquals("2d4h", Cells.age(2 * 86_400 + 4 * 3600 + 59));
    assertEquals("-", Cells.age(-1));
  }

  @Test
  void sizesAreShownAsLsDoes() {
    assertEquals("980", Cells.size(980));
    assertEquals("1.5K", Cells.size(1536));
    assertEquals("100K", Cells.size(100 * 1024));
    assertEquals("35M", Cells.size(35L << 20));
    assertEquals("2.0G", Cells.size(2L << 30));
  }

  @Test
  void jsonValuesBecomeCellText() throws Exception {
    var node = json.readTree("{\"s\":\"a\\u0007b\",\"n\":12,\"l\":[\"x\",\"y\"],\"e\":[],"
        + "\"z\":null,\"t\":\"2026-12-05T08:14:24.123456Z\",\"bad\":\"yesterday\"}");
    assertEquals("a?b", Cells.text(node, "s"));
    assertEquals("12", Cells.text(node, "n"));
    assertEquals("x, y", Cells.text(node, "l"));
    assertEquals("-", Cells.text(node, "e"));
    assertEquals("-", Cells.text(node, "z"));
    assertEquals("-", Cells.text(node, "missing"));
    assertEquals("2026-12-05T08:14:24Z", Cells.instant(node.get("t")));
    assertEquals("yesterday", Cells.instant(node.get("bad")));
    assertEquals("-", Cells.instant(node.path("missing")));
  }

  @Test
  void timesAreInstantsOrDurationsFromNow() {
    Instant now = Instant.parse("2026-12-05T08:00:00Z");
    assertEquals(Instant.parse("2026-12-05T10:00:00Z"), When.ahead("--until", "2h", now));
    assertEquals(Instant.parse("2026-12-03T08:00:00Z"), When.ago("--since", "2d", now));
    assertEquals(Instant.parse("2026-12-05T08:01:30Z"), When.ahead("--until", "PT1M30S", now));
    assertEquals(Instant.parse("2026-12-12T08:00:00Z"), When.ahead("--until", "1w", now));
    assertEquals(Instant.parse("2027-01-01T00:00:00Z"),
        When.ahead("--until", "2027-01-01T00:00:00Z", now));
    assertEquals(Duration.ofSeconds(90), When.duration("--for", "90s"));
    assertEquals(Duration.ofMillis(500), When.duration("--timeout", "500ms"));
    for (String bad : new String[] {"0s", "-2h", "tomorrow", "2x", "PT-1H", ""}) {
      CliFailure f = assertThrows(CliFailure.class, () -> When.ahead("--until", bad, now), bad);
      assertEquals(ExitCodes.USAGE, f.exitCode());
      assertEquals(true, f.getMessage().startsWith("--until: "), f.getMessage());
    }
  }

  @Test
  void exitCodesByStatus() {
    assertEquals(0, ExitCodes.forStatus(200));
    assertEquals(0, ExitCodes.forStatus(204));
    assertEquals(3, ExitCodes.forStatus(404));
    assertEquals(4, ExitCodes.forStatus(401));
    assertEquals(4, ExitCodes.forStatus(403));
    for (int s : new int[] {400, 405, 409, 413, 415, 422}) {
      assertEquals(5, ExitCodes.forStatus(s), "status " + s);
    }
    assertEquals(6, ExitCodes.forStatus(500));
    assertEquals(6, ExitCodes.forStatus(503));
    assertEquals(6, ExitCodes.forStatus(302));
  }

  @Test
  void pathSegmentsAndQueriesArePercentEncoded() {
    assertEquals("/api/v1/messages/%3Cabc%40x.example%3E", Api.path("messages", "<abc@x.example>"));
    assertEquals("/api/v1/queues/b%C3%BCcher.example", Api.path("queues", "b\u00fccher.example"));
    var p = Api.params();
    p.put("recipient", "a+b@x.example");
    p.put("client", null);
    p.put("limit", "5");
    assertEquals("?recipient=a%2Bb%40x.example&limit=5", Api.query(p));
  }
}

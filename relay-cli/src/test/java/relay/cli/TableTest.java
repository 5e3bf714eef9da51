package relay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The plain-text table and the detail view: alignment, cutting, cleaning, no trailing space. */
class TableTest {

  @Test
  void columnsAreAsWideAsTheirWidestCellTwoSpacesApartNumbersOnTheRight() {
    String out = new Table().column("ID").column("NAME").number("DEPTH").column("LAST")
        .row("billing", "Billing app", "7", "")
        .row("x", "Y", "1234", "451 4.7.1 try later")
        .render();
    assertEquals(""
        + "ID       NAME         DEPTH  LAST\n"
        + "billing  Billing app      7\n"
        + "x        Y             1234  451 4.7.1 try later\n", out);
  }

  @Test
  void aLongCellIsCutToItsColumnsMaximumWithDots() {
    String out = new Table().column("REASON", 10).column("BY")
        .row("a very long reason indeed", "admin")
        .row("short", "ops")
        .render();
    assertEquals(""
        + "REASON      BY\n"
        + "a very ...  admin\n"
        + "short       ops\n", out);
  }

  @Test
  void controlCharactersFromTheNodeCannotReachTheTerminal() {
    String out = new Table().column("SENDER").column("N")
        .row("evil\u001b[31mred\r\n", null)
        .render();
    assertEquals("SENDER          N\nevil?[31mred??  -\n", out);
  }

  @Test
  void widthsCountCodePointsNotUtf16Units() {
    String out = new Table().column("A").column("B").row("\uD83D\uDCE7x", "1").row("ab", "2")
        .render();
    assertEquals("A   B\n\uD83D\uDCE7x  1\nab  2\n", out);
  }

  @Test
  void anEmptyTableIsItsHeaderAndRowsMustFitTheColumns() {
    Table t = new Table().column("ID").number("N");
    assertEquals("ID  N\n", t.render());
    assertEquals(true, t.isEmpty());
    assertThrows(IllegalArgumentException.class, () -> t.row("only one"));
    assertThrows(IllegalArgumentException.class, () -> new Table().column("X", 3));
    assertEquals("no clients\n", ApiCommand.tableOr(t, "no clients"));
  }

  @Test
  void detailsAlignValuesAndListOneItemPerLine() {
    String out = new Details()
        .add("id", "billing")
        .add("addresses", java.util.List.of("192.0.2.10 production", "2001:db8::1 test"))
        .add("sender domains", java.util.List.of())
        .add("name", (String) null)
        .render();
    assertEquals(""
        + "id:              billing\n"
        + "addresses:       192.0.2.10 production\n"
        + "                 2001:db8::1 test\n"
        + "sender domains:  -\n"
        + "name:            -\n", out);
  }
}

package relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relayctl blocks}: the block lists ({@code /api/v1/blocks}). Without a subcommand it
 * lists the blocks in force.
 */
@Command(name = "blocks", description = "Lists, shows, adds and removes blocks.")
final class BlocksCommand extends ApiCommand {

  static final List<String> KINDS = List.of("ip", "client", "sender", "sender-domain",
      "recipient-domain");

  @Override
  public Integer call() {
    root().print(api().get(Api.path("blocks")), body -> {
      Table t = new Table().column("ID").column("KIND").column("VALUE", 48).column("UNTIL")
          .column("BY").column("REASON", 48);
      for (JsonNode b : list(body, "blocks")) {
        t.row(Cells.text(b, "id"), Cells.text(b, "kind"), Cells.text(b, "value"), until(b),
            Cells.text(b, "createdBy"), Cells.text(b, "reason"));
      }
      return tableOr(t, "no blocks in force");
    });
    return ExitCodes.OK;
  }

  private static String until(JsonNode block) {
    return block.hasNonNull("until") ? Cells.instant(block.get("until")) : "permanent";
  }

  static String details(JsonNode b) {
    return new Details()
        .add("id", Cells.text(b, "id"))
        .add("kind", Cells.text(b, "kind"))
        .add("value", Cells.text(b, "value"))
        .add("reason", Cells.text(b, "reason"))
        .add("until", until(b))
        .add("created by", Cells.text(b, "createdBy"))
        .add("created at", Cells.instant(b.path("createdAt")))
        .render();
  }

  @Command(name = "list", description = "Lists the blocks in force (what 'blocks' alone does).")
  int list() {
    return call();
  }

  @Command(name = "show", description = "Shows one block.")
  int show(@Parameters(paramLabel = "ID", description = "The block's id (b1, b2, ...).")
      String id) {
    root().print(api().get(Api.path("blocks", id)), BlocksCommand::details);
    return ExitCodes.OK;
  }

  @Command(name = "add", description = {"Blocks an IP address, a client, a sender, a sender"
      + " domain or a recipient domain, at once on every node: ip and client at connect,"
      + " sender and sender-domain at MAIL, recipient-domain at RCPT (554 5.7.1 with the"
      + " reason). Mail already queued is not affected.",
      "Example: relayctl blocks add ip 198.51.100.7 --reason 'spam run' --for 2d"})
  int add(
      @Parameters(index = "0", paramLabel = "KIND", completionCandidates = Kinds.class,
          description = "One of: ${COMPLETION-CANDIDATES}.") String kind,
      @Parameters(index = "1", paramLabel = "VALUE",
          description = "The address, client id, sender or domain.") String value,
      @Option(names = "--reason", required = true, paramLabel = "TEXT",
          description = "Why; refused clients see it in the 554 reply.") String reason,
      @ArgGroup(exclusive = true) Ending ending) {
    ObjectNode body = object().put("kind", kind).put("value", value).put("reason", reason);
    if (ending != null) {
      body.put("until", (ending.until != null
          ? When.ahead("--until", ending.until, root().now())
          : root().now().plus(When.duration("--for", ending.duration))).toString());
    }
    root().print(api().post(Api.path("blocks"), body), b -> "blocked "
        + Cells.text(b, "kind") + " " + Cells.text(b, "value") + " (" + Cells.text(b, "id")
        + ") " + (b.hasNonNull("until") ? "until " + until(b) : "permanently") + "\n");
    return ExitCodes.OK;
  }

  /** When a block ends: at most one of the two. */
  static final class Ending {
    @Option(names = "--until", paramLabel = "WHEN",
        description = "Ends at an instant (2026-12-31T00:00:00Z) or after a duration (2h).")
    String until;

    @Option(names = "--for", paramLabel = "DURATION",
        description = "Ends after DURATION (30m, 2h, 7d). Neither: permanent.")
    String duration;
  }

  @Command(name = "delete", aliases = "remove", description = "Removes a block (unblocks).")
  int delete(@Parameters(paramLabel = "ID", description = "The block's id.") String id) {
    api().delete(Api.path("blocks", id));
    root().say("removed block " + Cells.clean(id));
    return ExitCodes.OK;
  }

  /** The block kinds, for the help text and shell completion. */
  static final class Kinds implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return KINDS.iterator();
    }
  }
}

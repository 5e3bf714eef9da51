package relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relayctl notices}: bulk notices, a client's announcement of an unusual mailing
 * (expected recipients and window) that operators see and that may raise its quota for that
 * window ({@code /api/v1/bulk-notices}, {@code /api/v1/clients/{id}/bulk-notices}).
 */
@Command(name = "notices", description = "Lists and files bulk notices (a client's unusual"
    + " mailing: expected recipients and window).")
final class NoticesCommand extends ApiCommand {

  @Option(names = "--client", paramLabel = "ID", description = "Only this client's notices.")
  String client;

  @Override
  public Integer call() {
    String path = client == null ? Api.path("bulk-notices")
        : Api.path("clients", client, "bulk-notices");
    root().print(api().get(path), body -> {
      Table t = new Table().column("ID").column("CLIENT").number("EXPECTED").column("FROM")
          .column("UNTIL").column("QUOTA").column("NOTE", 60);
      for (JsonNode n : list(body, "notices")) {
        t.row(Cells.text(n, "id"), Cells.text(n, "client"), Cells.text(n, "expectedRecipients"),
            Cells.instant(n.path("from")), Cells.instant(n.path("until")),
            n.path("raiseQuota").asBoolean(false) ? "raised" : Cells.NONE,
            Cells.text(n, "note"));
      }
      return tableOr(t, "no bulk notices");
    });
    return ExitCodes.OK;
  }

  @Command(name = "add", description = {"Files a bulk notice for a client.",
      "Example: relayctl notices add billing --expected 200000 --from 2026-12-10T06:00:00Z"
          + " --until 2026-12-10T18:00:00Z --note 'year-end invoices' --raise-quota"})
  int add(@Parameters(paramLabel = "CLIENT", description = "The client's id.") String id,
      @Option(names = "--expected", required = true, paramLabel = "N",
          description = "Recipients expected in the window.") long expected,
      @Option(names = "--from", required = true, paramLabel = "WHEN",
          description = "Start: an instant or a duration from now.") String from,
      @Option(names = "--until", required = true, paramLabel = "WHEN",
          description = "End: an instant or a duration from now.") String until,
      @Option(names = "--note", paramLabel = "TEXT", description = "What it is.") String note,
      @Option(names = "--raise-quota",
          description = "Raises the client's quotas by the expected recipients in the window.")
      boolean raise) {
    ObjectNode body = object().put("expectedRecipients", expected)
        .put("from", When.ahead("--from", from, root().now()).toString())
        .put("until", When.ahead("--until", until, root().now()).toString());
    if (note != null) {
      body.put("note", note);
    }
    if (raise) {
      body.put("raiseQuota", true);
    }
    root().print(api().post(Api.path("clients", id, "bulk-notices"), body), n -> "bulk notice "
        + Cells.text(n, "id") + " for " + Cells.clean(id) + ": " + Cells.text(n, "expectedRecipients")
        + " recipients " + Cells.instant(n.path("from")) + " to " + Cells.instant(n.path("until"))
        + (n.path("raiseQuota").asBoolean(false) ? ", quota raised" : "") + "\n");
    return ExitCodes.OK;
  }
}

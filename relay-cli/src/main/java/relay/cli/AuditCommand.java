package relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code relayctl audit}: the newest changes made through the API, newest first. */
@Command(name = "audit", description = "Shows who changed what through the API, newest first.")
final class AuditCommand extends ApiCommand {

  @Option(names = "--limit", paramLabel = "N",
      description = "At most N entries, 1 to 1000 (default: the node's, 100).")
  Integer limit;

  @Override
  public Integer call() {
    var params = Api.params();
    params.put("limit", limit == null ? null : limit.toString());
    root().print(api().get(Api.path("audit") + Api.query(params)), body -> {
      Table t = new Table().column("AT").column("ACTOR").column("ACTION").column("SUBJECT", 40)
          .column("DETAIL", 60);
      for (JsonNode e : list(body, "entries")) {
        t.row(Cells.instant(e.path("at")), Cells.text(e, "actor"), Cells.text(e, "action"),
            Cells.text(e, "subject"), Cells.text(e, "detail"));
      }
      return tableOr(t, "no changes");
    });
    return ExitCodes.OK;
  }
}

package relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relayctl tokens}: the API's bearer tokens ({@code /api/v1/tokens}). The node keeps only
 * their hashes: a new token is shown once, by {@code add}.
 */
@Command(name = "tokens", description = "Lists, creates and revokes API tokens.")
final class TokensCommand extends ApiCommand {

  @Override
  public Integer call() {
    root().print(api().get(Api.path("tokens")), body -> {
      Table t = new Table().column("ID").column("NAME", 40).column("ROLE").column("CLIENT")
          .column("CREATED").column("BY");
      for (JsonNode k : list(body, "tokens")) {
        t.row(Cells.text(k, "id"), Cells.text(k, "name"), Cells.text(k, "role"),
            Cells.text(k, "client"), Cells.instant(k.path("createdAt")),
            Cells.text(k, "createdBy"));
      }
      return tableOr(t, "no tokens");
    });
    return ExitCodes.OK;
  }

  @Command(name = "list", description = "Lists the tokens, without their secrets (what 'tokens'"
      + " alone does).")
  int list() {
    return call();
  }

  @Command(name = "show", description = "Shows one token (not its secret).")
  int show(@Parameters(paramLabel = "ID", description = "The token's id.") String id) {
    root().print(api().get(Api.path("tokens", id)), k -> new Details()
        .add("id", Cells.text(k, "id"))
        .add("name", Cells.text(k, "name"))
        .add("role", Cells.text(k, "role"))
        .add("client", Cells.text(k, "client"))
        .add("created", Cells.instant(k.path("createdAt")) + " by " + Cells.text(k, "createdBy"))
        .render());
    return ExitCodes.OK;
  }

  @Command(name = "add", description = {"Creates a token and prints it once: admin (every"
      + " change), viewer (reads everything) or client (reads its own client's resources).",
      "Example: relayctl tokens add billing-dashboard --role client --client billing"})
  int add(@Parameters(paramLabel = "NAME", description = "Who uses it (shown in the audit).")
      String name,
      @Option(names = "--role", required = true, paramLabel = "ROLE",
          description = "admin, viewer or client.") String role,
      @Option(names = "--client", paramLabel = "ID",
          description = "The client a client token is bound to.") String client) {
    ObjectNode body = object().put("name", name).put("role", role);
    if (client != null) {
      body.put("client", client);
    }
    root().print(api().post(Api.path("tokens"), body), k -> "token " + Cells.text(k, "id")
        + " (" + Cells.text(k, "name") + ", " + Cells.text(k, "role")
        + (k.hasNonNull("client") ? " of " + Cells.text(k, "client") : "") + "):\n"
        + Cells.text(k, "token") + "\nIt is shown only now: store it.\n");
    return ExitCodes.OK;
  }

  @Command(name = "delete", aliases = "revoke", description = "Revokes a token at once.")
  int delete(@Parameters(paramLabel = "ID", description = "The token's id.") String id) {
    api().delete(Api.path("tokens", id));
    root().say("revoked token " + Cells.clean(id));
    return ExitCodes.OK;
  }
}

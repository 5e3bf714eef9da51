package relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code relayctl clients}: the client registry ({@code /api/v1/clients}). Without a
 * subcommand it lists the clients.
 */
@Command(name = "clients", description = "Lists, shows, registers, changes and deletes clients.")
final class ClientsCommand extends ApiCommand {

  /** The limits as the API names them and as the detail view shows them. */
  private static final Map<String, String> LIMITS = new LinkedHashMap<>();

  static {
    LIMITS.put("maxSessions", "max-sessions");
    LIMITS.put("maxRecipientsPerMessage", "max-recipients");
    LIMITS.put("maxMessageSize", "max-message-size");
    LIMITS.put("recipientsPerHour", "recipients-per-hour");
    LIMITS.put("recipientsPerDay", "recipients-per-day");
  }

  @Override
  public Integer call() {
    root().print(api().get(Api.path("clients")), body -> {
      Table t = new Table().column("ID").column("NAME", 32).column("STATE").column("ORIGIN")
          .column("ADDRESSES", 48).column("CONTACTS", 40);
      for (JsonNode client : list(body, "clients")) {
        t.row(Cells.text(client, "id"), Cells.text(client, "name"), Cells.text(client, "state"),
            Cells.text(client, "origin"), String.join(", ", addresses(client, false)),
            Cells.text(client, "contacts"));
      }
      return tableOr(t, "no clients");
    });
    return ExitCodes.OK;
  }

  /** Each address as "ip" (production) or "ip (role)"; with {@code always}, "ip role". */
  static List<String> addresses(JsonNode client, boolean always) {
    List<String> out = new ArrayList<>();
    for (JsonNode a : client.path("addresses")) {
      String role = Cells.text(a, "role");
      String ip = Cells.text(a, "ip");
      out.add(always ? ip + " " + role : "production".equals(role) ? ip : ip + " (" + role + ")");
    }
    return out;
  }

  /** One client as "label: value" lines. */
  static String details(JsonNode c) {
    List<String> limits = new ArrayList<>();
    LIMITS.forEach((field, name) -> {
      if (c.path("limits").has(field)) {
        limits.add(name + " " + Cells.text(c.path("limits"), field));
      }
    });
    List<String> domains = new ArrayList<>();
    c.path("senderDomains").forEach(d -> domains.add(Cells.text(d)));
    List<String> contacts = new ArrayList<>();
    c.path("contacts").forEach(d -> contacts.add(Cells.text(d)));
    JsonNode window = c.path("testWindow");
    return new Details()
        .add("id", Cells.text(c, "id"))
        .add("name", Cells.text(c, "name"))
        .add("state", Cells.text(c, "state"))
        .add("origin", Cells.text(c, "origin"))
        .add("contacts", contacts)
        .add("addresses", addresses(c, true))
        .add("sender domains", domains.isEmpty() ? List.of("any") : domains)
        .add("limits", limits.isEmpty() ? List.of("node defaults") : limits)
        .add("test window", window.isObject() ? Cells.instant(window.path("from")) + " until "
            + Cells.instant(window.path("until")) : Cells.NONE)
        .render();
  }

  @Command(name = "list", description = "Lists the clients (what 'clients' alone does).")
  int list() {
    return call();
  }

  @Command(name = "show", description = "Shows one client.")
  int show(@Parameters(paramLabel = "ID", description = "The client's id.") String id) {
    root().print(api().get(Api.path("clients", id)), ClientsCommand::details);
    return ExitCodes.OK;
  }

  @Command(name = "add", description = {"Registers a client.",
      "Example: relayctl clients add billing --name 'Billing app' --contact ops@billing.example"
          + " --production 192.0.2.10 --sender-domain billing.example --max-sessions 20"})
  int add(@Parameters(paramLabel = "ID", arity = "0..1", description = "The new client's id: 1"
      + " to 63 lower-case letters, digits or '-' (or the id in --file).") String id,
      @Mixin ClientFields fields) {
    ObjectNode body = fields.body(this);
    if (id != null) {
      body.put("id", id);
    }
    if (!body.has("id")) {
      throw new CliFailure(ExitCodes.USAGE, "clients add: give the client's ID");
    }
    root().print(api().post(Api.path("clients"), body), c -> "registered client "
        + Cells.text(c, "id") + "\n" + details(c));
    return ExitCodes.OK;
  }

  @Command(name = "patch", description = {"Changes a client: only what is given changes; a"
      + " list given replaces the client's list (all addresses when any of --production,"
      + " --standby, --test is given). --file takes a JSON merge patch (RFC 7396).",
      "Example: relayctl clients patch billing --max-sessions 50 --contact ops@billing.example"})
  int patch(@Parameters(paramLabel = "ID", description = "The client's id.") String id,
      @Mixin ClientFields fields) {
    ObjectNode body = fields.body(this);
    if (body.isEmpty()) {
      throw new CliFailure(ExitCodes.USAGE, "clients patch: nothing to change (see --help)");
    }
    root().print(api().patch(Api.path("clients", id), body), c -> "changed client "
        + Cells.text(c, "id") + "\n" + details(c));
    return ExitCodes.OK;
  }

  @Command(name = "suspend",
      description = "Suspends a client: its connections get 554 5.7.1 until it is resumed.")
  int suspend(@Parameters(paramLabel = "ID", description = "The client's id.") String id) {
    return state(id, "suspended");
  }

  @Command(name = "resume", description = "Makes a suspended client active again.")
  int resume(@Parameters(paramLabel = "ID", description = "The client's id.") String id) {
    return state(id, "active");
  }

  private int state(String id, String state) {
    root().print(api().patch(Api.path("clients", id), object().put("state", state)),
        client -> "client " + Cells.text(client, "id") + " is " + Cells.text(client, "state")
            + "\n");
    return ExitCodes.OK;
  }

  @Command(name = "delete", description = "Deletes a client: its addresses no longer relay.")
  int delete(@Parameters(paramLabel = "ID", description = "The client's id.") String id) {
    api().delete(Api.path("clients", id));
    root().say("deleted client " + Cells.clean(id));
    return ExitCodes.OK;
  }
}

package relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relayctl messages}: the message history ({@code /api/v1/messages}): search by client,
 * sender, recipient and time; {@code show} one message with every event and remote reply.
 */
@Command(name = "messages", description = {"Searches the message history, newest first;"
    + " 'messages show ID' shows one message with each attempt and the remote reply.",
    "Example: relayctl messages --recipient bob@example.com --since 2d"})
final class MessagesCommand extends ApiCommand {

  @Option(names = "--client", paramLabel = "ID", description = "Sent by this client.")
  String client;

  @Option(names = "--sender", paramLabel = "ADDRESS", description = "With this MAIL FROM.")
  String sender;

  @Option(names = "--recipient", paramLabel = "ADDRESS", description = "To this recipient.")
  String recipient;

  @Option(names = "--since", paramLabel = "WHEN",
      description = "Received at or after an instant, or a duration ago (2h, 7d).")
  String since;

  @Option(names = "--until", paramLabel = "WHEN",
      description = "Received before an instant, or a duration ago.")
  String until;

  @Option(names = "--limit", paramLabel = "N", description = "At most N messages.")
  Integer limit;

  @Override
  public Integer call() {
    var params = Api.params();
    params.put("client", client);
    params.put("sender", sender);
    params.put("recipient", recipient);
    params.put("since", since == null ? null
        : When.ago("--since", since, root().now()).toString());
    params.put("until", until == null ? null
        : When.ago("--until", until, root().now()).toString());
    params.put("limit", limit == null ? null : limit.toString());
    root().print(api().get(Api.path("messages") + Api.query(params)), body -> {
      Table t = new Table().column("ID").column("RECEIVED").column("CLIENT").column("STATUS")
          .number("SIZE").column("SENDER", 40).column("RECIPIENTS", 60);
      for (JsonNode m : list(body, "messages")) {
        t.row(Cells.text(m, "id"), Cells.instant(m.path("receivedAt")), Cells.text(m, "client"),
            Cells.text(m, "status"), Cells.size(m.path("size")),
            QueuesCommand.sender(m.path("sender")), recipients(m));
      }
      return tableOr(t, "no messages found");
    });
    return ExitCodes.OK;
  }

  /** The recipients listed, and how many more the message has ({@code recipientCount}). */
  private static String recipients(JsonNode m) {
    String listed = Cells.text(m, "recipients");
    int more = m.path("recipientCount").asInt(0) - m.path("recipients").size();
    return more > 0 ? listed + " (+" + more + ")" : listed;
  }

  @Command(name = "show", description = "Shows one message: envelope, size, client and every"
      + " event (accepted, deferred, delivered, bounced, ...) with the remote server's reply.")
  int show(@Parameters(paramLabel = "ID", description = "The queue id (from the 250 reply).")
      String id) {
    root().print(api().get(Api.path("messages", id)), MessagesCommand::details);
    return ExitCodes.OK;
  }

  static String details(JsonNode m) {
    List<String> recipients = new ArrayList<>();
    m.path("recipients").forEach(r -> recipients.add(Cells.text(r)));
    String head = new Details()
        .add("id", Cells.text(m, "id"))
        .add("received", Cells.instant(m.path("receivedAt")))
        .add("client", Cells.text(m, "client"))
        .add("source ip", Cells.text(m, "sourceIp"))
        .add("sender", QueuesCommand.sender(m.path("sender")))
        .add("recipients", recipients)
        .add("size", Cells.text(m, "size"))
        .render();
    Table t = new Table().column("AT").column("EVENT").number("ATTEMPT").column("RECIPIENT", 40)
        .column("REMOTE HOST", 40).column("REPLY", 80);
    for (JsonNode e : m.path("events")) {
      t.row(Cells.instant(e.path("at")), Cells.text(e, "kind"), Cells.text(e, "attempt"),
          Cells.text(e, "recipient"), Cells.text(e, "remoteHost"), Cells.text(e, "reply"));
    }
    return head + "\n" + tableOr(t, "no events")
        + (m.path("eventsTruncated").asBoolean(false) ? "(more events than shown)\n" : "");
  }
}

package relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relayctl queues}: the mail waiting per destination ({@code /api/v1/queues}), as mailq
 * shows it, and the operator's holds, retries and bounces (postsuper's). Without a subcommand
 * it lists the destinations.
 */
@Command(name = "queues", description = "Lists and shows the queues per destination; suspends,"
    + " resumes, retries and bounces one.")
final class QueuesCommand extends ApiCommand {

  @Override
  public Integer call() {
    root().print(api().get(Api.path("queues")), body -> {
      Table t = new Table().column("DOMAIN").number("DEPTH").number("DEFERRED").number("OLDEST")
          .column("HELD").column("LAST ERROR", 60);
      for (JsonNode q : list(body, "queues")) {
        t.row(Cells.text(q, "domain"), Cells.text(q, "depth"), Cells.text(q, "deferred"),
            Cells.age(q.path("oldestAgeSeconds")), held(q), Cells.text(q, "lastError"));
      }
      return tableOr(t, "no mail waiting");
    });
    return ExitCodes.OK;
  }

  private static String held(JsonNode q) {
    return q.path("suspended").asBoolean(false) ? "held" : Cells.NONE;
  }

  @Command(name = "list", description = "Lists the queues (what 'queues' alone does).")
  int list() {
    return call();
  }

  @Command(name = "show", description = "Shows one destination's queue and its first messages.")
  int show(@Parameters(paramLabel = "DOMAIN", description = "The destination domain.")
      String domain,
      @Option(names = "--limit", paramLabel = "N",
          description = "Lists at most N messages (default: the node's, 100).") Integer limit) {
    var params = Api.params();
    params.put("limit", limit == null ? null : limit.toString());
    root().print(api().get(Api.path("queues", domain) + Api.query(params)), QueuesCommand::details);
    return ExitCodes.OK;
  }

  static String details(JsonNode q) {
    List<String> shaping = new ArrayList<>();
    q.path("shaping").fields().forEachRemaining(f -> shaping.add(f.getKey() + " "
        + Cells.text(f.getValue())));
    String held = q.path("suspended").asBoolean(false)
        ? "yes" + (q.hasNonNull("suspendedBy") ? ", by " + Cells.text(q, "suspendedBy") : "")
            + (q.hasNonNull("suspendedAt") ? " at " + Cells.instant(q.get("suspendedAt")) : "")
        : "no";
    String head = new Details()
        .add("domain", Cells.text(q, "domain"))
        .add("depth", Cells.text(q, "depth") + " messages"
            + (q.has("recipients") ? ", " + Cells.text(q, "recipients") + " recipients" : ""))
        .add("deferred", Cells.text(q, "deferred"))
        .add("oldest", Cells.age(q.path("oldestAgeSeconds")))
        .add("held", held)
        .add("last error", Cells.text(q, "lastError"))
        .add("shaping", shaping)
        .render();
    Table t = new Table().column("ID").column("ENQUEUED").number("SIZE").number("ATTEMPTS")
        .column("NEXT ATTEMPT").column("SENDER", 40).column("RECIPIENTS", 60);
    for (JsonNode m : q.path("messages")) {
      t.row(Cells.text(m, "id"), Cells.instant(m.path("enqueuedAt")), Cells.size(m.path("size")),
          Cells.text(m, "attempts"), Cells.instant(m.path("nextAttemptAt")),
          sender(m.path("sender")), Cells.text(m, "recipients"));
    }
    return head + "\n" + tableOr(t, "no messages");
  }

  /** The null sender (a DSN) shows as {@code <>}. */
  static String sender(JsonNode sender) {
    return sender.isTextual() && sender.textValue().isEmpty() ? "<>" : Cells.text(sender);
  }

  @Command(name = "suspend", description = "Holds a destination: nothing is attempted until it"
      + " is resumed; mail is still accepted and queued (a domain without mail yet may be held).")
  int suspend(@Parameters(paramLabel = "DOMAIN") String domain) {
    return act(domain, "suspend", "suspended");
  }

  @Command(name = "resume", description = "Releases a held destination: its queue drains.")
  int resume(@Parameters(paramLabel = "DOMAIN") String domain) {
    return act(domain, "resume", "resumed");
  }

  @Command(name = "retry", description = "Attempts every message of a destination now.")
  int retry(@Parameters(paramLabel = "DOMAIN") String domain) {
    return act(domain, "retry", "retrying");
  }

  @Command(name = "bounce", description = "Returns every message of a destination to its"
      + " sender with a DSN and drops it from the queue. Cannot be undone: needs --yes.")
  int bounce(@Parameters(paramLabel = "DOMAIN") String domain,
      @Option(names = "--yes", description = "Yes, bounce every message.") boolean yes) {
    if (!yes) {
      throw new CliFailure(ExitCodes.USAGE, "queues bounce " + Cells.clean(domain)
          + ": returns every waiting message to its sender and cannot be undone; add --yes");
    }
    return act(domain, "bounce", "bounced");
  }

  private int act(String domain, String action, String done) {
    root().print(api().post(Api.path("queues", domain, action)), a -> Cells.text(a, "domain")
        + ": " + done + " (" + Cells.text(a, "affected") + " messages)\n");
    return ExitCodes.OK;
  }
}

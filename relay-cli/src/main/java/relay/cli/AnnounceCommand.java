package relay.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relayctl announce}: a notice to every client's contacts, or to chosen clients'
 * ({@code POST /api/v1/announcements}); the relay sends it through its own queue.
 */
@Command(name = "announce", description = {"Mails a notice (maintenance, changes) to the"
    + " contacts of every client, or of the clients given with --client.",
    "Example: relayctl announce --subject 'Maintenance Sunday 06:00 UTC' --body-file notice.txt"})
final class AnnounceCommand extends ApiCommand {

  @Option(names = "--subject", required = true, paramLabel = "TEXT", description = "Subject.")
  String subject;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Body body;

  /** The text: given on the command line or read from a file. */
  static final class Body {
    @Option(names = "--body", paramLabel = "TEXT", description = "The text of the notice.")
    String text;

    @Option(names = "--body-file", paramLabel = "FILE",
        description = "Reads the text from FILE ('-': standard input).")
    String file;
  }

  @Option(names = "--client", split = ",", paramLabel = "ID",
      description = "Only this client's contacts (repeat, or comma-separated).")
  List<String> clients;

  @Override
  public Integer call() {
    ObjectNode request = object().put("subject", subject).put("body", text());
    if (clients != null) {
      request.set("clients", array(clients));
    }
    root().print(api().post(Api.path("announcements"), request), a -> "announcement "
        + Cells.text(a, "id") + " queued to " + Cells.text(a, "recipients") + " contacts"
        + (a.has("clients") ? " of " + Cells.text(a, "clients") + " clients" : "") + "\n");
    return ExitCodes.OK;
  }

  private String text() {
    if (body.text != null) {
      return body.text;
    }
    try {
      return "-".equals(body.file)
          ? new String(root().in().readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(body.file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.USAGE, "--body-file: cannot read " + Cells.clean(body.file)
          + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}

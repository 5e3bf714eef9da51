package relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every relayctl command that calls the node shares: the root's options (URL, token,
 * --json), printing, and reading the API's JSON. A command's {@link #call} returns {@link
 * ExitCodes#OK} or throws a {@link CliFailure}.
 */
abstract class ApiCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  Relayctl root() {
    return (Relayctl) spec.root().userObject();
  }

  Api api() {
    return root().api();
  }

  ObjectNode object() {
    return root().mapper().createObjectNode();
  }

  ArrayNode array(List<String> items) {
    ArrayNode a = root().mapper().createArrayNode();
    items.forEach(a::add);
    return a;
  }

  /**
   * The list in an answer: the answer itself when it is an array, else its {@code field} (the
   * API wraps newer lists in an object). Anything else is not the API.
   */
  static List<JsonNode> list(JsonNode answer, String field) {
    JsonNode items = answer != null && answer.isArray() ? answer
        : answer == null ? null : answer.get(field);
    if (items == null || !items.isArray()) {
      throw new CliFailure(ExitCodes.SERVER, "the node's answer has no list of " + field);
    }
    List<JsonNode> out = new ArrayList<>();
    items.forEach(out::add);
    return out;
  }

  /** A table, or {@code empty} when it has no rows (what postqueue says of an empty queue). */
  static String tableOr(Table table, String empty) {
    return table.isEmpty() ? empty + "\n" : table.render();
  }

  /** A JSON body from a file, or from standard input for '-'. */
  JsonNode bodyFrom(String option, String file) {
    String text;
    try {
      text = "-".equals(file) ? new String(root().in().readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.USAGE, option + ": cannot read " + Cells.clean(file) + " ("
          + e.getClass().getSimpleName() + ")");
    }
    try {
      return root().mapper().readTree(text);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.USAGE, option + ": " + Cells.clean(file)
          + " is not JSON: " + Cells.clean(e.getMessage().lines().findFirst().orElse("")));
    }
  }
}

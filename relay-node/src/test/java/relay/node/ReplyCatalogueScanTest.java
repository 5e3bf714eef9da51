package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every SMTP reply the relay makes up comes from the catalogue in {@code relay/protocol/reply/}
 * (Replies inbound, DeliveryReplies outbound): the main sources of every module are scanned for
 * replies built elsewhere ({@code SmtpReply.of(}, {@code new SmtpReply(}, or a {@code
 * RecordedReply} with a literal code). The files below are allowed, each for its reason; the list
 * should only shrink.
 */
class ReplyCatalogueScanTest {

  private static final Pattern MADE_UP =
      Pattern.compile("SmtpReply\\.of\\(|new SmtpReply\\(|new RecordedReply\\(\\s*[0-9]");

  /** File (path from the repository root) -> why it may build a reply. */
  private static final Map<String, String> ALLOWED = Map.of(
      "relay-protocol/src/main/java/relay/protocol/client/ReplyReader.java",
      "parses the server's reply from the wire; makes up no text",
      "relay-persistence/src/main/java/relay/persistence/queue/RecordedReply.java",
      "turns a recorded reply back into a reply value; makes up no text",
      "relay-node/src/main/java/relay/node/delivery/DsnSubmitter.java",
      "rebuilds a recorded reply for a DSN (could call RecordedReply.toSmtpReply); makes up no text",
      "relay-persistence/src/main/java/relay/persistence/queue/DeliveryQueue.java",
      "WORKER_LOST: to move to DeliveryReplies.workerLost() with the DeliveryQueue split");

  @Test
  void repliesAreMadeUpOnlyInTheCatalogue() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<String> offenders = new ArrayList<>();
    int scanned = 0;
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java"))).toList()) {
        try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
          for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
            scanned++;
            String relative = root.relativize(file).toString().replace('\\', '/');
            if (relative.contains("/relay/protocol/reply/") || ALLOWED.containsKey(relative)) {
              continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
              if (MADE_UP.matcher(lines.get(i)).find()) {
                offenders.add(relative + ":" + (i + 1) + ": " + lines.get(i).trim());
              }
            }
          }
        }
      }
    }
    assertTrue(scanned > 100, "the scan found the sources: " + scanned + " files under " + root);
    assertEquals(List.of(), offenders, "replies made up outside relay/protocol/reply/");
  }
}

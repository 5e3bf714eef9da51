package relay.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a script of ops/ from the repository root, as an operator would, for the *IT tests. */
final class OpsScript {

  /** The repository root (tests run in relay-node/). */
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  /** Exit status and everything the script printed. */
  record Result(int status, String output) {}

  private OpsScript() {}

  /**
   * Runs {@code script} (relative to the root) with {@code env} added, waits up to {@code limit}
   * and then stops it (SIGTERM, so its traps clean up; SIGKILL a minute later).
   */
  static Result run(String script, Map<String, String> env, Duration limit)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("relay-ops-script", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(ROOT.resolve(script).toString())
          .directory(ROOT.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroy();
        if (!p.waitFor(1, TimeUnit.MINUTES)) {
          p.destroyForcibly().waitFor();
        }
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Whether {@code tool} is on the PATH. */
  static boolean onPath(String tool) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
    return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}

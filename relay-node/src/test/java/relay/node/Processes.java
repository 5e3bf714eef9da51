package relay.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a tool (swaks, openssl, an ops script) to its end: its exit status and all its output. */
final class Processes {

  private Processes() {}

  record Run(int exit, String output) {}

  /** Standard input from /dev/null, standard error into the output; at most 60 s. */
  static Run run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running: " + command);
    return new Run(process.exitValue(), output);
  }
}

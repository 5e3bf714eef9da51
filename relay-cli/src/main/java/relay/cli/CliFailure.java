package relay.cli;

import java.util.Optional;

/**
 * A command that cannot finish: its exit code ({@link ExitCodes}), a one-line message for
 * standard error, and the node's problem+json body when the node refused the request (printed
 * on standard output with --json, so a script can read its {@code detail}).
 */
final class CliFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final transient Optional<String> problem;

  CliFailure(int exitCode, String message) {
    this(exitCode, message, Optional.empty());
  }

  CliFailure(int exitCode, String message, Optional<String> problem) {
    super(message);
    this.exitCode = exitCode;
    this.problem = problem;
  }

  int exitCode() {
    return exitCode;
  }

  Optional<String> problem() {
    return problem;
  }
}

package relay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * relayctl: the relay's operator CLI over its HTTP API, in the spirit of postqueue, postsuper
 * and mailq. Human tables by default, the API's own JSON with --json; exit codes in {@link
 * ExitCodes}. The node's URL and the token come from options or the environment; the token is
 * sent in the Authorization header only and never printed.
 */
@Command(name = "relayctl", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
    versionProvider = Relayctl.Version.class, usageHelpAutoWidth = true,
    subcommands = {ClientsCommand.class, BlocksCommand.class, QueuesCommand.class,
        MessagesCommand.class, AnnounceCommand.class, NoticesCommand.class, TokensCommand.class,
        CredentialsCommand.class, AuditCommand.class, CommandLine.HelpCommand.class},
    description = {"Operates a relay node over its HTTP API (/api/v1).", ""},
    footerHeading = "%nEnvironment:%n",
    footer = {
        "  RELAY_URL         the node's HTTP API (default http://127.0.0.1:8025)",
        "  RELAY_TOKEN       the bearer token",
        "  RELAY_TOKEN_FILE  a file holding the token (e.g. <data-dir>/admin-token)",
        "Options win over the environment. Prefer a token file or RELAY_TOKEN to --token,",
        "which other users of the host can read in the process list."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:done",
        "1:relayctl itself failed",
        "2:usage: bad command, option or value; unreadable token or body file",
        "3:not found (HTTP 404)",
        "4:denied: no or unknown token (401), or its role may not do this (403)",
        "5:rejected: the node refused the request as invalid or conflicting"
            + " (400, 405, 409, 413, 415, 422); nothing changed",
        "6:server error (5xx) or an answer that is not the API",
        "7:unreachable: no connection or no answer within --timeout"})
public final class Relayctl implements Callable<Integer> {

  static final String DEFAULT_URL = "http://127.0.0.1:8025";

  @Spec CommandSpec spec;

  @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
      description = "The node's HTTP API, e.g. http://10.0.0.5:8025 (default: RELAY_URL, else "
          + DEFAULT_URL + ").")
  String url;

  @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
      description = "The bearer token (default: RELAY_TOKEN). Visible in the process list:"
          + " prefer --token-file or RELAY_TOKEN.")
  String token;

  @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "Reads the token from FILE (default: RELAY_TOKEN_FILE).")
  Path tokenFile;

  @Option(names = "--json", scope = ScopeType.INHERIT,
      description = "Prints the API's JSON instead of a table (errors: the problem+json body).")
  boolean json;

  @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION",
      defaultValue = "10s", description = "Gives up after DURATION without an answer"
          + " (default: ${DEFAULT-VALUE}; 500ms, 30s, 2m).")
  String timeout;

  private final Map<String, String> env;
  private final InputStream in;
  private final ObjectMapper mapper = new ObjectMapper();
  private final Instant now;

  Relayctl(Map<String, String> env, InputStream in, Instant now) {
    this.env = env;
    this.in = in;
    this.now = now;
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8),
        true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8),
        true);
    System.exit(run(args, System.getenv(), System.in, out, err));
  }

  /**
   * Runs one relayctl command line with {@code env} as its environment, and returns its exit
   * code ({@link ExitCodes}); what it prints goes to {@code out} and {@code err}, flushed.
   */
  public static int run(String[] args, Map<String, String> env, InputStream in, PrintWriter out,
      PrintWriter err) {
    Relayctl root = new Relayctl(env, in, Instant.now());
    CommandLine cli = new CommandLine(root)
        .setOut(out).setErr(err)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler((e, line, parsed) -> {
          if (e instanceof CliFailure) {
            CliFailure f = (CliFailure) e;
            if (root.json) {
              f.problem().ifPresent(out::println);
            }
            err.println("relayctl: " + f.getMessage());
            return f.exitCode();
          }
          err.println("relayctl: internal error: " + e);
          e.printStackTrace(err);
          return ExitCodes.SOFTWARE;
        });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Without a command: the usage, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** The API of the node named by --url or RELAY_URL, with the token from wherever it comes. */
  Api api() {
    return new Api(baseUrl(), token(), When.duration("--timeout", timeout), mapper);
  }

  ObjectMapper mapper() {
    return mapper;
  }

  Instant now() {
    return now;
  }

  boolean json() {
    return json;
  }

  /** Standard input (a body given as '-'). */
  InputStream in() {
    return in;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /**
   * Prints a 2xx answer: its body as the node sent it with --json (nothing for an empty body),
   * else what {@code human} makes of its JSON.
   */
  void print(Api.Answer answer, Function<JsonNode, String> human) {
    PrintWriter out = out();
    if (json) {
      if (!answer.body().isEmpty()) {
        out.println(answer.body());
      }
      return;
    }
    out.print(human.apply(parse(answer.body())));
    out.flush();
  }

  /** Prints {@code line} unless --json (a 204 has no JSON to print). */
  void say(String line) {
    if (!json) {
      out().println(line);
    }
  }

  JsonNode parse(String body) {
    try {
      return mapper.readTree(body.isEmpty() ? "null" : body);
    } catch (JsonProcessingException e) {
      throw new CliFailure(ExitCodes.SERVER, "the node's answer is not JSON: "
          + Cells.clean(e.getOriginalMessage()));
    }
  }

  private URI baseUrl() {
    String text = url != null ? url : env.getOrDefault("RELAY_URL", DEFAULT_URL);
    try {
      URI uri = new URI(text.strip());
      if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
          || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new URISyntaxException(text, "not an http(s)://host[:port] URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new CliFailure(ExitCodes.USAGE, (url != null ? "--url" : "RELAY_URL") + ": '"
          + Cells.clean(text) + "' is not an http(s)://host[:port] URL");
    }
  }

  private String token() {
    if (token != null && tokenFile != null) {
      throw new CliFailure(ExitCodes.USAGE, "give --token or --token-file, not both");
    }
    Optional<String> t = Optional.ofNullable(token)
        .or(() -> Optional.ofNullable(tokenFile).map(f -> read("--token-file", f)))
        .or(() -> Optional.ofNullable(env.get("RELAY_TOKEN")).filter(s -> !s.isBlank()))
        .or(() -> Optional.ofNullable(env.get("RELAY_TOKEN_FILE")).filter(s -> !s.isBlank())
            .map(f -> read("RELAY_TOKEN_FILE", Path.of(f))));
    String value = t.map(String::strip).orElseThrow(() -> new CliFailure(ExitCodes.DENIED,
        "no token: give --token-file FILE, or set RELAY_TOKEN or RELAY_TOKEN_FILE"));
    if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new CliFailure(ExitCodes.USAGE, "the token is empty or holds characters a bearer"
          + " token cannot have");
    }
    return value;
  }

  private static String read(String source, Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.USAGE, source + ": cannot read " + file + " ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  /** The version in the jar's manifest (relay-cli's project version). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Relayctl.class.getPackage().getImplementationVersion();
      return new String[] {"relayctl " + (v == null ? "(development build)" : v)};
    }
  }
}

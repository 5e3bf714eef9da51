package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import relay.protocol.reply.DeliveryReplies;
import relay.protocol.reply.Replies;

/**
 * Every SMTP reply the relay makes up comes from the catalogue in {@code relay/protocol/reply/}
 * (Replies inbound, DeliveryReplies outbound), and no exception's message reaches one:
 *
 * <ul>
 *   <li>the main sources of every module are scanned for replies built elsewhere ({@code
 *       SmtpReply.of(}, {@code new SmtpReply(}, or a {@code RecordedReply} with a literal code);
 *       only the files in {@link #ALLOWED} may, each for its reason, and the list should only
 *       shrink;
 *   <li>no public catalogue method takes a {@code Throwable} (or an {@code Object}, which could
 *       be one): callers map failures to typed causes ({@code NetworkFailure}, {@code
 *       DnsTrouble}) and log the exception;
 *   <li>no call of a catalogue method, and no reply rebuilt from parts ({@code RecordedReply},
 *       {@code FailedRecipient}, {@code DeliveryFailure}), anywhere in the main sources, is
 *       given an exception's message or text ({@code getMessage()}, {@code getLocalizedMessage()}, {@code
 *       getCause()}, or {@code toString()} of an exception variable), and the catalogue itself
 *       reads none.
 * </ul>
 */
class ReplyCatalogueScanTest {

  private static final Pattern MADE_UP =
      Pattern.compile("SmtpReply\\.of\\(|new SmtpReply\\(|new RecordedReply\\(\\s*[0-9]");

  /**
   * A call of a catalogue method, or a reply rebuilt from recorded parts (a recorded reply, a
   * DSN's failed recipient, a delivery failure): its arguments are read up to the matching
   * parenthesis.
   */
  private static final Pattern CATALOGUE_CALL = Pattern.compile(
      "\\b(?:Replies|DeliveryReplies)\\.[a-zA-Z0-9_]+\\("
          + "|\\bnew (?:RecordedReply|FailedRecipient|DeliveryFailure)\\(");

  /** What an exception's text looks like in an argument list. */
  private static final Pattern EXCEPTION_TEXT = Pattern.compile(
      "getMessage\\(|getLocalizedMessage\\(|getCause\\(|printStackTrace|"
          + "\\b(?:e|ex|exc|err|error|cause|failure|throwable|exception)\\.toString\\(");

  /** File (path from the repository root) -> why it may build a reply. */
  private static final Map<String, String> ALLOWED = Map.of(
      "relay-protocol/src/main/java/relay/protocol/client/ReplyReader.java",
      "parses the server's reply from the wire; makes up no text",
      "relay-persistence/src/main/java/relay/persistence/queue/RecordedReply.java",
      "turns a recorded reply back into a reply value; makes up no text");

  static Path root() {
    return Path.of("..").toAbsolutePath().normalize();
  }

  /** Every main source file of every module, by its path from the repository root. */
  static Map<String, String> mainSources() throws IOException {
    Map<String, String> sources = new LinkedHashMap<>();
    Path root = root();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java")))
          .sorted().toList()) {
        try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
          for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
            sources.put(root.relativize(file).toString().replace('\\', '/'),
                Files.readString(file));
          }
        }
      }
    }
    assertTrue(sources.size() > 100,
        "the scan found the sources: " + sources.size() + " files under " + root);
    return sources;
  }

  static boolean inCatalogue(String path) {
    return path.contains("/relay/protocol/reply/");
  }

  @Test
  void repliesAreMadeUpOnlyInTheCatalogue() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Map.Entry<String, String> source : mainSources().entrySet()) {
      if (inCatalogue(source.getKey()) || ALLOWED.containsKey(source.getKey())) {
        continue;
      }
      String[] lines = source.getValue().split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (MADE_UP.matcher(lines[i]).find()) {
          offenders.add(source.getKey() + ":" + (i + 1) + ": " + lines[i].trim());
        }
      }
    }
    assertEquals(List.of(), offenders, "replies made up outside relay/protocol/reply/");
  }

  @Test
  void noCatalogueMethodTakesAnException() {
    List<String> offenders = new ArrayList<>();
    int methods = 0;
    for (Class<?> catalogue : List.of(Replies.class, DeliveryReplies.class)) {
      for (Method m : catalogue.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers())) {
          continue;
        }
        methods++;
        for (Class<?> p : m.getParameterTypes()) {
          if (Throwable.class.isAssignableFrom(p) || p == Object.class) {
            offenders.add(catalogue.getSimpleName() + "." + m.getName() + " takes a "
                + p.getSimpleName());
          }
        }
      }
    }
    assertTrue(methods > 40, methods + " catalogue methods checked");
    assertEquals(List.of(), offenders);
  }

  @Test
  void noExceptionTextReachesACatalogueCall() throws IOException {
    List<String> offenders = new ArrayList<>();
    int calls = 0;
    for (Map.Entry<String, String> source : mainSources().entrySet()) {
      String text = source.getValue();
      if (inCatalogue(source.getKey())) {
        Matcher reads = Pattern.compile("getMessage\\(|getLocalizedMessage\\(").matcher(text);
        if (reads.find()) {
          offenders.add(source.getKey() + ":" + lineOf(text, reads.start())
              + ": the catalogue reads an exception's message");
        }
        continue;
      }
      Matcher call = CATALOGUE_CALL.matcher(text);
      while (call.find()) {
        calls++;
        String arguments = arguments(text, call.end());
        if (EXCEPTION_TEXT.matcher(arguments).find()) {
          offenders.add(source.getKey() + ":" + lineOf(text, call.start()) + ": "
              + call.group() + arguments.replaceAll("\\s+", " ") + ")");
        }
      }
    }
    assertTrue(calls > 50, calls + " catalogue calls checked");
    assertEquals(List.of(), offenders, "exception text passed to the reply catalogue");
  }

  /** The text from {@code start} to the parenthesis that closes the one just before it. */
  static String arguments(String text, int start) {
    int depth = 1;
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return text.substring(start, i);
      }
    }
    return text.substring(start);
  }

  static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** Three words or more: a sentence, or part of one. */
  private static final Pattern WORDS = Pattern.compile("[A-Za-z][a-z]+ [a-z]{2,} [a-z]{2,}");

  /**
   * The DSN builder's words to a person come from {@code DsnWording}: no string literal of the
   * DSN classes (outside comments and exception messages) holds a sentence.
   */
  @Test
  void dsnWordsComeFromTheCatalogue() throws IOException {
    List<String> offenders = new ArrayList<>();
    int files = 0;
    for (Map.Entry<String, String> source : mainSources().entrySet()) {
      if (!source.getKey().contains("/relay/protocol/message/")) {
        continue;
      }
      files++;
      String[] lines = source.getValue().split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].trim();
        if (line.startsWith("*") || line.startsWith("/") || line.contains("Exception(")) {
          continue;
        }
        for (String literal : literals(line)) {
          if (WORDS.matcher(literal).find()) {
            offenders.add(source.getKey() + ":" + (i + 1) + ": \"" + literal + "\"");
          }
        }
      }
    }
    assertTrue(files >= 5, files + " DSN sources scanned");
    assertEquals(List.of(), offenders, "DSN text made up outside DsnWording");
  }

  /** The string literals of one line of Java (escapes kept as written). */
  static List<String> literals(String line) {
    List<String> found = new ArrayList<>();
    StringBuilder current = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (current == null) {
        if (c == '\'' && i + 2 < line.length()) {
          i += line.charAt(i + 1) == '\\' ? 3 : 2; // a char literal such as '"' or '\n'
        } else if (c == '"') {
          current = new StringBuilder();
        }
      } else if (c == '\\' && i + 1 < line.length()) {
        current.append(c).append(line.charAt(++i));
      } else if (c == '"') {
        found.add(current.toString());
        current = null;
      } else {
        current.append(c);
      }
    }
    return found;
  }

  @Test
  void theLiteralReaderFindsEachLiteralOnce() {
    assertEquals(List.of("a b", "<x@", ">"),
        literals("f(\"a b\", '\"', \"<x@\" + host + \">\")"));
    assertEquals(List.of("say \\\"hi\\\" now"), literals("x = \"say \\\"hi\\\" now\";"));
  }

  @Test
  void theArgumentReaderStopsAtTheClosingParenthesis() {
    String call = "Replies.x(a(b), \"c\") + e.getMessage()";
    assertEquals("a(b), \"c\"", arguments(call, call.indexOf('(') + 1));
    assertTrue(EXCEPTION_TEXT.matcher("host, e.getMessage()").find());
    assertTrue(EXCEPTION_TEXT.matcher("err.toString()").find());
    assertTrue(!EXCEPTION_TEXT.matcher("host, why, queue.toString()").find());
  }
}

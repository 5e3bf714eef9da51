package relay.node.notice;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import relay.persistence.notice.NoticeKind;

/**
 * The templates of the notices to clients' contacts, one per {@link NoticeKind}: a first line
 * {@code Subject: ...}, an empty line, then the body; {@code ${name}} is replaced by the
 * notice's value of that name (simple substitution, no expressions). The built-in templates are
 * resources next to this class; relay.notices.templates names a directory whose
 * {@code <kind>.txt} files replace them, each read and checked at start: a file without the
 * subject line, or with a placeholder its kind does not know, stops the node with a message
 * naming the file and the placeholders it may use.
 */
public final class NoticeTemplates {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z0-9-]+)}");
  private static final String SUBJECT = "Subject:";

  /** Every notice has these (the node adds hostname, from and notice-id). */
  private static final List<String> COMMON = List.of("client-id", "client-name", "at",
      "hostname", "from", "notice-id");
  private static final List<String> BLOCK = List.of("block-id", "block-kind", "block-value",
      "reason", "until", "blocked-by", "blocked-at", "actor", "change");
  private static final Map<NoticeKind, List<String>> VALUES = Map.of(
      NoticeKind.BLOCKED, BLOCK,
      NoticeKind.UNBLOCKED, BLOCK,
      NoticeKind.DELAYED, List.of("destination", "waiting", "delayed", "oldest", "threshold",
          "period", "last-reply", "remote-host"),
      NoticeKind.ANNOUNCEMENT, List.of("announcement-id", "subject", "body", "actor"));

  /** One template: the subject line's text and the body. */
  record Template(String subject, String body) {}

  /** A rendered notice: one-line subject, body with LF line ends. */
  public record Rendered(String subject, String body) {}

  private final Map<NoticeKind, Template> templates;

  private NoticeTemplates(Map<NoticeKind, Template> templates) {
    this.templates = templates;
  }

  /** The built-in templates, each replaced by {@code <dir>/<kind>.txt} when dir has one. */
  public static NoticeTemplates load(String dir) throws IOException {
    Map<NoticeKind, Template> all = new EnumMap<>(NoticeKind.class);
    for (NoticeKind kind : NoticeKind.values()) {
      String file = kind.template() + ".txt";
      Path custom = dir.isEmpty() ? null : Path.of(dir, file);
      String text;
      String name;
      if (custom != null && Files.isRegularFile(custom)) {
        text = Files.readString(custom, StandardCharsets.UTF_8);
        name = custom.toString();
      } else {
        try (InputStream in = NoticeTemplates.class.getResourceAsStream(file)) {
          if (in == null) {
            throw new IllegalStateException("built-in notice template " + file + " missing");
          }
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        name = "built-in " + file;
      }
      all.put(kind, parse(kind, name, text));
    }
    return new NoticeTemplates(all);
  }

  static Template parse(NoticeKind kind, String name, String text) {
    String t = text.replace("\r\n", "\n");
    int end = t.indexOf('\n');
    String first = end < 0 ? t : t.substring(0, end);
    if (!first.regionMatches(true, 0, SUBJECT, 0, SUBJECT.length())
        || end < 0 || !t.startsWith("\n", end + 1)) {
      throw new IllegalArgumentException("relay.notices.templates: " + name
          + ": must start with a line 'Subject: ...' and an empty line, then the body");
    }
    Set<String> known = new TreeSet<>(COMMON);
    known.addAll(VALUES.get(kind));
    Matcher m = PLACEHOLDER.matcher(t);
    while (m.find()) {
      if (!known.contains(m.group(1))) {
        throw new IllegalArgumentException("relay.notices.templates: " + name
            + ": unknown placeholder ${" + m.group(1) + "}; a " + kind.template()
            + " notice knows " + known);
      }
    }
    return new Template(first.substring(SUBJECT.length()).strip(), t.substring(end + 2));
  }

  /** The notice of {@code kind} with {@code values} in place (a missing value is empty). */
  public Rendered render(NoticeKind kind, Map<String, String> values) {
    Template t = templates.get(kind);
    String subject = substitute(t.subject(), values, true).strip();
    return new Rendered(subject, substitute(t.body(), values, false));
  }

  private static String substitute(String text, Map<String, String> values, boolean oneLine) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder(text.length() + 256);
    while (m.find()) {
      String v = values.getOrDefault(m.group(1), "");
      // a header line stays one line whatever the value holds (no header injection)
      v = oneLine ? v.replaceAll("\\p{Cntrl}+", " ") : v;
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }
}

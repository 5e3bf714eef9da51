package relay.protocol.reply;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * One SMTP reply as a value: basic code (RFC 5321 4.2), enhanced status code (RFC 3463/2034,
 * may be empty where none applies, e.g. the greeting), text lines, and whether the server closes
 * the connection after sending it.
 *
 * <p>Only {@link #encode()} turns a reply into bytes: multi-line replies use "code-" on every line
 * but the last (RFC 5321 4.2.1), and the enhanced code leads every line (RFC 2034 §4).
 */
public record SmtpReply(int code, String enhanced, List<String> lines, boolean closesConnection) {

  public SmtpReply {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("reply code out of range: " + code);
    }
    enhanced = enhanced == null ? "" : enhanced;
    lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("a reply has at least one line");
    }
  }

  public static SmtpReply of(int code, String enhanced, String text) {
    return new SmtpReply(code, enhanced, List.of(text), false);
  }

  /** The same reply, followed by closing the connection (421 and 221 replies). */
  public SmtpReply closing() {
    return new SmtpReply(code, enhanced, lines, true);
  }

  public boolean isPositive() {
    return code < 400;
  }

  public boolean isTransient() {
    return code >= 400 && code < 500;
  }

  public boolean isPermanent() {
    return code >= 500;
  }

  /** First line as a peer would log it: "550 5.1.1 No such user". */
  public String summary() {
    return enhanced.isEmpty() ? code + " " + lines.get(0) : code + " " + enhanced + " " + lines.get(0);
  }

  /** The wire form, CRLF after every line. */
  public byte[] encode() {
    StringBuilder out = new StringBuilder(32 * lines.size());
    for (int i = 0; i < lines.size(); i++) {
      out.append(code).append(i == lines.size() - 1 ? ' ' : '-');
      if (!enhanced.isEmpty()) {
        out.append(enhanced).append(' ');
      }
      out.append(lines.get(i)).append("\r\n");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return String.join(" | ", lines.stream().map(l -> code + " " + enhanced + " " + l).toList());
  }
}

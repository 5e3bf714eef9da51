package relay.protocol.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import relay.protocol.reply.SmtpReply;

/**
 * Reads one SMTP reply, single or multi-line (RFC 5321 4.2.1), from a buffered stream. Each line
 * is "ddd-text" (more follow) or "ddd text" / "ddd" (last). A leading enhanced status code
 * (RFC 3463, RFC 2034 §4) whose class matches the reply's first digit is taken out of every line
 * into {@link SmtpReply#enhanced()}; it is recognised whether or not ENHANCEDSTATUSCODES was
 * offered, since many servers send it regardless.
 *
 * <p>Line length and line count are bounded; bare LF ends a line as CRLF does. Anything else
 * malformed raises {@link MalformedReplyException}.
 */
final class ReplyReader {

  /** The server sent something that is not an SMTP reply. */
  static final class MalformedReplyException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedReplyException(String message) {
      super(message);
    }
  }

  private final InputStream in;
  private final byte[] line;
  private final int maxLines;

  ReplyReader(InputStream in, int maxLineLength, int maxLines) {
    this.in = in;
    this.line = new byte[maxLineLength];
    this.maxLines = maxLines;
  }

  SmtpReply read() throws IOException {
    List<String> texts = new ArrayList<>(1);
    int code = -1;
    String enhanced = "";
    while (true) {
      int length = readLine();
      if (length < 3 || !digit(line[0]) || !digit(line[1]) || !digit(line[2])) {
        throw new MalformedReplyException("reply line without a code: " + printable(length));
      }
      int lineCode = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
      if (lineCode < 200 || lineCode > 599) {
        throw new MalformedReplyException("reply code out of range: " + lineCode);
      }
      if (code >= 0 && lineCode != code) {
        throw new MalformedReplyException("multi-line reply changes code from " + code + " to " + lineCode);
      }
      code = lineCode;
      boolean more = length > 3 && line[3] == '-';
      if (length > 3 && line[3] != '-' && line[3] != ' ') {
        throw new MalformedReplyException("bad separator after code: " + printable(length));
      }
      int textStart = Math.min(length, 4);
      // The first line decides whether the reply carries an enhanced code; later lines lose
      // theirs only when it does, so a text line that happens to start like "5.1.1" survives.
      int enhancedEnd = texts.isEmpty() || !enhanced.isEmpty() ? enhancedCodeEnd(textStart, length, line[0]) : -1;
      if (enhancedEnd > 0) {
        if (texts.isEmpty()) {
          enhanced = new String(line, textStart, enhancedEnd - textStart, StandardCharsets.US_ASCII);
        }
        textStart = Math.min(length, enhancedEnd + 1);
      }
      if (texts.size() == maxLines) {
        throw new MalformedReplyException("reply has more than " + maxLines + " lines");
      }
      texts.add(new String(line, textStart, length - textStart, StandardCharsets.UTF_8));
      if (!more) {
        SmtpReply reply = new SmtpReply(code, enhanced, texts, false);
        return code == 421 ? reply.closing() : reply;
      }
    }
  }

  /** Reads one line into {@link #line} without its CRLF; returns its length. */
  private int readLine() throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed by server");
      }
      if (b == '\n') {
        return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
      }
      if (n == line.length) {
        throw new MalformedReplyException("reply line longer than " + line.length + " bytes");
      }
      line[n++] = (byte) b;
    }
  }

  /**
   * If the text at {@code start} begins with "c.sss.ddd" (class digit equal to the reply's first
   * digit, subject and detail 1-3 digits, RFC 3463 §2) followed by a space or the end, returns
   * the index just after it; otherwise -1.
   */
  private int enhancedCodeEnd(int start, int end, byte replyClass) {
    int i = start;
    if (i >= end || line[i] != replyClass) {
      return -1;
    }
    i++;
    for (int part = 0; part < 2; part++) {
      if (i >= end || line[i] != '.') {
        return -1;
      }
      i++;
      int digits = 0;
      while (i < end && digit(line[i]) && digits < 4) {
        i++;
        digits++;
      }
      if (digits < 1 || digits > 3) {
        return -1;
      }
    }
    return i == end || line[i] == ' ' ? i : -1;
  }

  private static boolean digit(byte b) {
    return b >= '0' && b <= '9';
  }

  private String printable(int length) {
    String s = new String(line, 0, Math.min(length, 80), StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(c < ' ' || c == 127 ? '?' : c);
    }
    return out.toString();
  }
}

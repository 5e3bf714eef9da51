package relay.protocol.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Streaming amendment of a received message, between the decoder's content chunks and the spool:
 *
 * <ul>
 *   <li>prepends the trace header {@code Received: from <helo> ([ip]) [(using <TLS version>
 *       with cipher <suite>)] by <host> with <proto> id <queue id> [for <rcpt>]; <date>}
 *       (RFC 5321 4.4, RFC 3848 for the protocol keyword, folded below 78 octets per line,
 *       RFC 5322 2.1.1; date per RFC 5322 3.3). Nothing about AUTH but the protocol keyword
 *       (ESMTPSA): the login name is half a credential, and Postfix leaves it out too
 *       (smtpd_sasl_authenticated_header = no);
 *   <li>counts the {@code Received:} fields already present; more than max-received-headers is a
 *       mail loop (RFC 5321 6.3), reported by {@link #mailLoop()};
 *   <li>when the header section ends without {@code Date:} or {@code Message-ID:}, inserts them
 *       there (RFC 5322 3.6, RFC 6409 8.3), the Message-ID as
 *       {@code <queueId.millis@hostname>};
 *   <li>when the client's header section carries a {@code Message-ID:} (RFC 5322 3.6.4), digests
 *       the content exactly as the client sent it ({@link ContentChecksum}, before any
 *       amendment), so that a
 *       retry of the same message can be recognised ({@link #contentDigest()}). Without one the
 *       digest stops at the end of the header section: identical messages without Message-ID are
 *       never taken for each other.
 * </ul>
 *
 * <p>Field names are matched case-insensitively; folded continuation lines belong to the field
 * above them. The header section ends at the first empty line, or at the first line that is
 * neither a field nor a continuation (the missing fields and an empty line are inserted before
 * it, making it the first body line, as Postfix does). Only one header line is buffered at a
 * time, at most max-text-line octets: a longer line is already a refusal, so the amender just
 * stops inspecting and passes everything on. The body passes through as the same ByteStrings.
 */
public final class HeaderAmender {

  private static final DateTimeFormatter RFC5322_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);
  private static final int FOLD_AT = 78;
  private static final byte[] CRLF = {'\r', '\n'};

  private final ReceivedTrace trace;
  private final String hostname;
  private final int maxReceivedHeaders;
  private final byte[] line;
  private int lineLength;
  private boolean started;
  private boolean inHeaders = true;
  private boolean sawDate;
  private boolean sawMessageId;
  private int receivedHeaders;
  private boolean clientMessageId;
  private ContentChecksum digest = new ContentChecksum();
  private String contentDigest;

  /**
   * @param hostname this server's name, for the "by" clause and the Message-ID
   * @param maxHeaderLine longest header line buffered, CRLF included (max-text-line)
   */
  public HeaderAmender(ReceivedTrace trace, String hostname, int maxReceivedHeaders,
      int maxHeaderLine) {
    this.trace = trace;
    this.hostname = hostname;
    this.maxReceivedHeaders = maxReceivedHeaders;
    this.line = new byte[maxHeaderLine];
  }

  /** Amends the next chunk of content; the result may be empty (a header line still partial). */
  public ByteString accept(ByteString chunk) {
    ByteString amended = amend(chunk);
    if (digest != null) {
      if (!inHeaders && !clientMessageId) {
        digest = null; // no Message-ID: this message is never fingerprinted
      } else {
        for (ByteBuffer piece : chunk.getByteBuffers()) {
          digest.update(piece);
        }
      }
    }
    return amended;
  }

  private ByteString amend(ByteString chunk) {
    if (started && !inHeaders) {
      return chunk; // the body: passed on as it is
    }
    ByteStringBuilder out = ByteString.createBuilder();
    start(out);
    if (!inHeaders) {
      out.append(chunk);
      return out.result();
    }
    byte[] bytes = chunk.toArrayUnsafe();
    int n = chunk.length();
    int i = 0;
    while (i < n && inHeaders) {
      int lf = indexOfLf(bytes, i, n);
      int end = lf < 0 ? n : lf + 1;
      if (lineLength + (end - i) > line.length) {
        // a header line over the text line limit: the message is refused anyway
        out.putBytes(line, 0, lineLength);
        lineLength = 0;
        inHeaders = false;
        break;
      }
      System.arraycopy(bytes, i, line, lineLength, end - i);
      lineLength += end - i;
      i = end;
      if (lf >= 0) {
        headerLine(out);
      }
    }
    if (i < n) {
      out.append(chunk.slice(i, n));
    }
    return out.result();
  }

  /** Call at the end of the content: flushes a partial header section and adds what is missing. */
  public ByteString finish() {
    ByteStringBuilder out = ByteString.createBuilder();
    start(out);
    if (inHeaders) {
      if (lineLength > 0) {
        // content ended inside a header line without CRLF (possible with BDAT): complete it
        out.putBytes(line, 0, lineLength);
        out.putBytes(CRLF);
        inspectFieldName();
        lineLength = 0;
      }
      missingFields(out);
      inHeaders = false;
    }
    if (digest != null && clientMessageId) {
      contentDigest = digest.value();
    }
    digest = null;
    return out.result();
  }

  /**
   * After {@link #finish}: SHA-256 (hex) of the content as the client sent it, when its header
   * section carried a Message-ID; empty otherwise.
   */
  public Optional<String> contentDigest() {
    return Optional.ofNullable(contentDigest);
  }

  /** Whether the message carried more Received: fields than allowed (a mail loop). */
  public boolean mailLoop() {
    return receivedHeaders > maxReceivedHeaders;
  }

  /** Received: fields counted in the header section. */
  public int receivedHeaders() {
    return receivedHeaders;
  }

  private void start(ByteStringBuilder out) {
    if (!started) {
      started = true;
      out.putBytes(receivedField(trace, hostname).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A complete line (ending in LF) is in the buffer. */
  private void headerLine(ByteStringBuilder out) {
    boolean empty = lineLength == 1 || (lineLength == 2 && line[0] == '\r');
    if (empty) {
      missingFields(out);
      inHeaders = false;
    } else if (line[0] == ' ' || line[0] == '\t') {
      // a continuation line of the field above
    } else if (!inspectFieldName()) {
      missingFields(out);
      out.putBytes(CRLF);
      inHeaders = false;
    }
    out.putBytes(line, 0, lineLength);
    lineLength = 0;
  }

  /**
   * Reads the field name of the buffered line and counts it; false when the line is not a
   * header field (field-name = 1*ftext, RFC 5322 3.6.8; obsolete WSP before the colon allowed).
   */
  private boolean inspectFieldName() {
    int colon = -1;
    int nameEnd = 0;
    while (nameEnd < lineLength && line[nameEnd] >= 33 && line[nameEnd] <= 126
        && line[nameEnd] != ':') {
      nameEnd++;
    }
    int j = nameEnd;
    while (j < lineLength && (line[j] == ' ' || line[j] == '\t')) {
      j++;
    }
    if (j < lineLength && line[j] == ':') {
      colon = j;
    }
    if (colon < 0 || nameEnd == 0) {
      return false;
    }
    if (nameIs("Received", nameEnd)) {
      receivedHeaders++;
    } else if (nameIs("Date", nameEnd)) {
      sawDate = true;
    } else if (nameIs("Message-ID", nameEnd)) {
      sawMessageId = true;
      clientMessageId = true;
    }
    return true;
  }

  private boolean nameIs(String name, int nameLength) {
    if (nameLength != name.length()) {
      return false;
    }
    for (int k = 0; k < nameLength; k++) {
      if (Character.toLowerCase((char) line[k]) != Character.toLowerCase(name.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  private void missingFields(ByteStringBuilder out) {
    if (!sawDate) {
      sawDate = true;
      out.putBytes(("Date: " + date(trace) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    if (!sawMessageId) {
      sawMessageId = true;
      String id = "<" + trace.queueId() + "." + trace.receivedAt().toEpochMilli() + "@" + hostname
          + ">";
      out.putBytes(("Message-ID: " + id + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static int indexOfLf(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  // ---- the Received: field -------------------------------------------------------------------

  /**
   * The Received: field with its final CRLF (RFC 5321 4.4 Time-stamp-line), laid out as
   * "from" / "by ... with ... id" / "for ...; date" lines, each folded again at a clause boundary
   * if it would reach 78 octets.
   */
  static String receivedField(ReceivedTrace trace, String hostname) {
    String ip = trace.remoteIp().indexOf(':') >= 0 ? "IPv6:" + trace.remoteIp() : trace.remoteIp();
    List<List<String>> lines = new ArrayList<>(3);
    lines.add(List.of("from " + safe(trace.heloName()), "([" + safe(ip) + "])"));
    trace.tls().ifPresent(tls -> lines.add(List.of("(using " + safe(tls.protocol()),
        "with cipher " + safe(tls.cipherSuite()) + ")")));
    List<String> by = new ArrayList<>(List.of("by " + hostname, "with " + trace.protocol(),
        "id " + safe(trace.queueId())));
    List<String> last = new ArrayList<>(2);
    if (trace.singleRecipient().isPresent()) {
      last.add("for <" + trace.singleRecipient().get().address() + ">;");
    } else {
      by.set(by.size() - 1, by.get(by.size() - 1) + ";");
    }
    last.add(date(trace));
    lines.add(by);
    lines.add(last);
    StringBuilder field = new StringBuilder(160).append("Received:");
    int lineStart = 0;
    for (int l = 0; l < lines.size(); l++) {
      List<String> clauses = lines.get(l);
      for (int c = 0; c < clauses.size(); c++) {
        String clause = clauses.get(c);
        boolean newLine = (l > 0 && c == 0)
            || field.length() - lineStart + 1 + clause.length() >= FOLD_AT;
        if (newLine) {
          field.append("\r\n");
          lineStart = field.length();
          field.append('\t');
        } else {
          field.append(' ');
        }
        field.append(clause);
      }
    }
    return field.append("\r\n").toString();
  }

  /** The last date formatted, per second: formatting is costly and every message needs it. */
  private static volatile FormattedSecond lastDate = new FormattedSecond(Long.MIN_VALUE, "");

  private record FormattedSecond(long epochSecond, String text) {}

  private static String date(ReceivedTrace trace) {
    long second = trace.receivedAt().getEpochSecond();
    FormattedSecond cached = lastDate;
    if (cached.epochSecond() != second) {
      cached = new FormattedSecond(second, RFC5322_DATE.format(
          java.time.Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC)));
      lastDate = cached;
    }
    return cached.text();
  }

  /**
   * A peer-supplied token made safe for a header: printable ASCII without the comment and
   * separator characters, at most 255 characters; anything else becomes '_'.
   */
  private static String safe(String token) {
    StringBuilder out = new StringBuilder(Math.min(token.length(), 255));
    for (int i = 0; i < token.length() && out.length() < 255; i++) {
      char c = token.charAt(i);
      boolean ok = c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '\\' && c != ';'
          && c != '"';
      out.append(ok ? c : '_');
    }
    return out.toString();
  }
}

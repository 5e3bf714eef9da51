package relay.protocol.server;

import java.util.ArrayDeque;
import org.apache.pekko.util.ByteString;

/**
 * Incremental decoder of what an SMTP client sends: bytes in through {@link #feed}, events out
 * through {@link #poll}. Pure and single-threaded; no Pekko machinery beyond {@link ByteString}.
 *
 * <p><b>Command mode</b> (RFC 5321 2.3.8, 4.5.3.1.4): a line ends with CRLF; a bare LF is also
 * accepted as a line end (lenient, as most MTAs are, and harmless outside DATA: the CR before
 * it is dropped, a CR elsewhere makes the command malformed). A line longer than
 * max-command-line octets (CRLF included) gives one {@link DecoderEvent.LineTooLong}; its octets
 * are dropped up to its line end and never executed. One command line is decoded per step, so
 * that the session can switch the decoder to DATA or BDAT mode right after the command. Where
 * AUTH is on offer ({@link #allowAuthLines}), a line that starts with "AUTH " and every SASL
 * response line ({@link #expectSaslResponse}) may be as long as RFC 4954 4 allows (12288
 * octets); any other line keeps max-command-line.
 *
 * <p><b>DATA mode</b> (RFC 5321 4.5.2): only {@code CRLF . CRLF} ends the data (the CRLF of the
 * DATA command line counts as the first one). A leading dot is removed from every line. A CR or
 * LF that is not part of a CRLF never ends the data, never starts a line, and marks the message
 * for refusal ({@link DataStats#bareLineEnding}): this closes "SMTP smuggling". Text lines longer
 * than max-text-line and content over the size limit are flagged too; the data is consumed to
 * its end either way, so the session stays in sync, and no chunk is emitted once the message is
 * known to be refused.
 *
 * <p><b>BDAT mode</b> (RFC 3030): exactly the announced number of octets, not unstuffed, with the
 * same content checks, which carry over from chunk to chunk of one message.
 *
 * <p>Memory is bounded: in command mode the buffer holds at most one line plus the rest of the
 * last input chunk; in data modes every input chunk is passed on as slices of itself (no copy)
 * as soon as it arrives.
 */
public final class InputDecoder {

  private enum Mode { COMMAND, DISCARD_LINE, DATA, BDAT }

  // line states inside message content
  private static final int LINE_START = 0;
  private static final int MID = 1;
  private static final int CR = 2;
  private static final int DOT = 3;
  private static final int DOT_CR = 4;

  private final int maxCommandLine;
  /** Longest AUTH line; maxCommandLine while AUTH is not on offer. */
  private int maxAuthLine;
  /** The next line is a SASL response (RFC 4954 4), not a command. */
  private boolean saslResponse;
  private final int maxTextContent;
  private final ArrayDeque<DecoderEvent> ready = new ArrayDeque<>();
  private ByteString pending = ByteString.emptyByteString();
  private Mode mode = Mode.COMMAND;

  // content state of the current message
  private long maxMessageBytes;
  private long size;
  private boolean sizeExceeded;
  private boolean lineTooLong;
  private boolean bareLineEnding;
  private int lineLength;
  private int lineState = LINE_START;
  private long bdatRemaining;
  private boolean bdatLast;
  /** Octets consumed in DATA or BDAT mode since the last expectData/expectBdat. */
  private long contentConsumed;

  /**
   * @param maxCommandLine longest command line in octets, CRLF included (RFC 5321: 512)
   * @param maxTextLine longest text line in octets, CRLF included (RFC 5321: 1000)
   */
  public InputDecoder(int maxCommandLine, int maxTextLine) {
    if (maxCommandLine < 3 || maxTextLine < 3) {
      throw new IllegalArgumentException("line limits too small");
    }
    this.maxCommandLine = maxCommandLine;
    this.maxAuthLine = maxCommandLine;
    this.maxTextContent = maxTextLine - 2;
  }

  /**
   * From now on AUTH command lines and SASL responses may be up to {@code maxOctets} long, CRLF
   * included (at least max-command-line).
   */
  public void allowAuthLines(int maxOctets) {
    maxAuthLine = Math.max(maxCommandLine, maxOctets);
  }

  /** Whether the next line is a SASL response rather than a command (an AUTH exchange). */
  public void expectSaslResponse(boolean response) {
    saslResponse = response;
  }

  /** Appends bytes read from the client. */
  public void feed(ByteString bytes) {
    if (!bytes.isEmpty()) {
      pending = pending.isEmpty() ? bytes : pending.concat(bytes);
    }
  }

  /** The next event, or null when more input is needed. */
  public DecoderEvent poll() {
    while (ready.isEmpty()) {
      if (!step()) {
        return null;
      }
    }
    return ready.poll();
  }

  /**
   * Switches to DATA mode for one message (after the 354 reply). {@code maxBytes} is the
   * message size limit.
   */
  public void expectData(long maxBytes) {
    startMessage(maxBytes);
    contentConsumed = 0;
    mode = Mode.DATA;
  }

  /**
   * Switches to BDAT mode for {@code size} octets (RFC 3030). {@code firstChunk} starts a new
   * message (its content checks start afresh; so does a chunk that is only consumed and
   * discarded); {@code last} marks the final chunk, whose trailing CR counts as bare.
   */
  public void expectBdat(long size, boolean last, boolean firstChunk, long maxBytes) {
    if (size < 0) {
      throw new IllegalArgumentException("negative BDAT size");
    }
    if (firstChunk) {
      startMessage(maxBytes);
    }
    bdatRemaining = size;
    bdatLast = last;
    contentConsumed = 0;
    mode = Mode.BDAT;
    if (size == 0) {
      endBdatChunk();
    }
  }

  /** Drops everything buffered and returns to command mode (after STARTTLS, RFC 3207 4.2). */
  public void clear() {
    pending = ByteString.emptyByteString();
    ready.clear();
    mode = Mode.COMMAND;
  }

  /** Whether the decoder is inside message content (DATA or a BDAT chunk). */
  public boolean inContent() {
    return mode == Mode.DATA || mode == Mode.BDAT;
  }

  /**
   * Octets consumed as content (DATA with its dots and end marker, or one BDAT chunk) since the
   * content began: what a client has sent towards its message, for the content deadline.
   */
  public long contentConsumed() {
    return contentConsumed;
  }

  /** Octets received but not yet decoded. */
  public int buffered() {
    return pending.length();
  }

  // ---- one decoding step ---------------------------------------------------------------------

  /** Decodes what it can; false when no progress is possible without more input. */
  private boolean step() {
    switch (mode) {
      case COMMAND:
        return commandStep();
      case DISCARD_LINE:
        return discardStep();
      case DATA:
        return !pending.isEmpty() && dataStep();
      case BDAT:
        return !pending.isEmpty() && bdatStep();
      default:
        throw new IllegalStateException(mode.toString());
    }
  }

  private boolean commandStep() {
    int n = pending.length();
    if (n == 0) {
      return false;
    }
    int max = maxAuthLine == maxCommandLine || !authLine() ? maxCommandLine : maxAuthLine;
    // a line of max octets (CRLF included) has its LF at index max-1 at the latest
    int lf = pending.indexOf((byte) '\n', 0, Math.min(n, max));
    if (lf < 0) {
      if (n >= max) {
        ready.add(new DecoderEvent.LineTooLong());
        mode = Mode.DISCARD_LINE;
        return true;
      }
      return false;
    }
    int end = lf > 0 && pending.apply(lf - 1) == '\r' ? lf - 1 : lf;
    if (end > max - 2) {
      // e.g. 511 octets and a bare LF: over the limit as it would be with CRLF
      ready.add(new DecoderEvent.LineTooLong());
    } else {
      ready.add(new DecoderEvent.CommandLine(pending.slice(0, end)));
    }
    pending = pending.drop(lf + 1);
    return true;
  }

  /** Whether the pending line may be an AUTH line: a SASL response, or "AUTH " so far. */
  private boolean authLine() {
    if (saslResponse) {
      return true;
    }
    int n = Math.min(pending.length(), 5);
    for (int i = 0; i < n; i++) {
      int b = pending.apply(i);
      if (i < 4 ? (b | 0x20) != "auth".charAt(i) : b != ' ') {
        return false;
      }
    }
    return n == 5;
  }

  private boolean discardStep() {
    int lf = pending.indexOf((byte) '\n');
    if (lf < 0) {
      boolean progress = !pending.isEmpty();
      pending = ByteString.emptyByteString();
      return progress;
    }
    pending = pending.drop(lf + 1);
    mode = Mode.COMMAND;
    return true;
  }

  // ---- message content -----------------------------------------------------------------------

  private void startMessage(long maxBytes) {
    maxMessageBytes = maxBytes;
    size = 0;
    sizeExceeded = false;
    lineTooLong = false;
    bareLineEnding = false;
    lineLength = 0;
    lineState = LINE_START;
  }

  /** Consumes pending input in DATA mode up to the end of data or of the input. */
  private boolean dataStep() {
    byte[] bytes = pending.toArrayUnsafe(); // no copy for the usual single-array ByteString
    int n = bytes.length;
    int sliceStart = 0;
    int i = 0;
    while (i < n) {
      byte b = bytes[i];
      switch (lineState) {
        case MID:
          i = skipText(bytes, i, n);
          if (i < n) {
            contentByte(bytes[i]);
            i++;
          }
          continue;
        case LINE_START:
          if (b == '.') {
            account(sliceStart, i); // the stuffing dot (or the end marker) is never content
            sliceStart = i + 1;
            lineState = DOT;
          } else {
            contentByte(b);
          }
          break;
        case DOT:
          if (b == '\r') {
            sliceStart = i + 1; // withheld: either the end marker or a bare CR (refused)
            lineState = DOT_CR;
          } else {
            contentByte(b);
          }
          break;
        case DOT_CR:
          if (b == '\n') {
            contentConsumed += i + 1;
            pending = pending.drop(i + 1);
            mode = Mode.COMMAND;
            ready.add(new DecoderEvent.DataEnd(stats()));
            return true;
          }
          bareLineEnding = true;
          contentByte(b);
          break;
        case CR:
          if (b == '\n') {
            lineState = LINE_START;
            lineLength = 0;
          } else {
            bareLineEnding = true;
            contentByte(b);
          }
          break;
        default:
          throw new IllegalStateException("line state " + lineState);
      }
      i++;
    }
    account(sliceStart, n);
    contentConsumed += n;
    pending = ByteString.emptyByteString();
    return true;
  }

  /** Consumes pending input in BDAT mode up to the end of the chunk or of the input. */
  private boolean bdatStep() {
    int n = (int) Math.min(pending.length(), bdatRemaining);
    byte[] bytes = pending.toArrayUnsafe(); // scanned up to n only
    int i = 0;
    while (i < n) {
      if (lineState == CR) {
        if (bytes[i] == '\n') {
          lineState = LINE_START;
          lineLength = 0;
        } else {
          bareLineEnding = true;
          contentByte(bytes[i]);
        }
        i++;
      } else {
        i = skipText(bytes, i, n);
        if (i < n) {
          contentByte(bytes[i]);
          i++;
        }
      }
    }
    account(0, n);
    contentConsumed += n;
    pending = pending.drop(n);
    bdatRemaining -= n;
    if (bdatRemaining == 0) {
      endBdatChunk();
    }
    return true;
  }

  private void endBdatChunk() {
    if (bdatLast && lineState == CR) {
      bareLineEnding = true; // the message ends in a CR without its LF
    }
    mode = Mode.COMMAND;
    ready.add(new DecoderEvent.DataEnd(stats()));
  }

  /** Skips ordinary text octets from {@code i}; returns the index of the next CR/LF or n. */
  private int skipText(byte[] bytes, int i, int n) {
    int start = i;
    while (i < n) {
      byte b = bytes[i];
      if (b == '\r' || b == '\n') {
        break;
      }
      i++;
    }
    if (i > start) {
      lineLength += i - start;
      lineState = MID;
      if (lineLength > maxTextContent) {
        lineTooLong = true;
      }
    }
    return i;
  }

  /** One content octet seen outside the end-of-data and dot handling. */
  private void contentByte(byte b) {
    if (b == '\r') {
      lineState = CR;
    } else if (b == '\n') {
      bareLineEnding = true; // a LF without its CR
      lineState = MID;
      lineLength = 0;
    } else {
      lineState = MID;
      if (++lineLength > maxTextContent) {
        lineTooLong = true;
      }
    }
  }

  /** Counts content octets and emits them as a slice unless the message is already refused. */
  private void account(int from, int to) {
    if (from >= to) {
      return;
    }
    size += to - from;
    if (size > maxMessageBytes) {
      sizeExceeded = true;
    }
    if (!sizeExceeded && !lineTooLong && !bareLineEnding) {
      ready.add(new DecoderEvent.DataChunk(pending.slice(from, to)));
    }
  }

  private DataStats stats() {
    return new DataStats(size, sizeExceeded, lineTooLong, bareLineEnding);
  }
}

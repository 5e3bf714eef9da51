package relay.protocol.client;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes message content as SMTP DATA (RFC 5321 4.5.2): a '.' that starts a line is doubled,
 * and {@link #finish()} ends the data with CRLF.CRLF, first adding a CRLF when the content did
 * not end with one. Streams in runs between line starts; never buffers the message. A line
 * start is any position after LF, so content with bare LF is still stuffed safely.
 */
final class DotStuffingOutputStream extends OutputStream {

  private final OutputStream out;
  private boolean atLineStart = true;
  /** The last two content bytes, to see whether the content ended with CRLF. */
  private int lastTwo = 0;
  private long count;

  DotStuffingOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    if (atLineStart && b == '.') {
      out.write('.');
    }
    out.write(b);
    atLineStart = b == '\n';
    lastTwo = ((lastTwo << 8) | (b & 0xFF)) & 0xFFFF;
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len <= 0) {
      return;
    }
    int end = off + len;
    int runStart = off;
    int i = off;
    while (i < end) {
      if (atLineStart) {
        atLineStart = false;
        if (b[i] == '.') {
          out.write(b, runStart, i - runStart);
          out.write('.');
          runStart = i; // the original dot goes out with the next run
        }
      }
      while (i < end && b[i] != '\n') {
        i++;
      }
      if (i < end) {
        i++;
        atLineStart = true;
      }
    }
    out.write(b, runStart, end - runStart);
    lastTwo = len >= 2
        ? ((b[end - 2] & 0xFF) << 8) | (b[end - 1] & 0xFF)
        : ((lastTwo << 8) | (b[end - 1] & 0xFF)) & 0xFFFF;
    count += len;
  }

  /** Ends the data: CRLF if missing, then ".CRLF"; flushes. Does not close the stream. */
  void finish() throws IOException {
    if (count == 0 || lastTwo != (('\r' << 8) | '\n')) {
      out.write('\r');
      out.write('\n');
    }
    out.write('.');
    out.write('\r');
    out.write('\n');
    out.flush();
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Does not close the connection's stream: the session goes on after the data. */
  @Override
  public void close() {
    // nothing: the owner closes the socket
  }
}

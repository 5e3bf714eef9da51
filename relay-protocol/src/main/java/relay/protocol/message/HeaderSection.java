package relay.protocol.message;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header section of a stored message (RFC 5322 2.1): every line up to the first empty line,
 * without that empty line, as the original bytes. Used for part 3 of a DSN (RFC 3464 2).
 *
 * @param bytes the header lines, each ending with its line break
 * @param truncated the section was longer than the limit and was cut after its last whole line
 */
public record HeaderSection(byte[] bytes, boolean truncated) {

  /**
   * Reads at most {@code maxBytes} from {@code in} and stops at the empty line that ends the
   * header section (CRLF CRLF, or bare LF LF). A message without an empty line is all header.
   * The stream may be read past the end of the header section; it is not closed.
   */
  public static HeaderSection read(InputStream in, int maxBytes) throws IOException {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    byte[] buf = new byte[Math.min(maxBytes, 8192)];
    int length = 0;
    boolean lineStart = true;
    boolean crAtLineStart = false;
    while (length < maxBytes) {
      if (length == buf.length) {
        buf = Arrays.copyOf(buf, Math.min(maxBytes, buf.length * 2));
      }
      int n = in.read(buf, length, buf.length - length);
      if (n < 0) {
        return new HeaderSection(endWithLineBreak(Arrays.copyOf(buf, length)), false);
      }
      for (int i = length; i < length + n; i++) {
        byte b = buf[i];
        if (lineStart && b == '\n') {
          return new HeaderSection(Arrays.copyOf(buf, crAtLineStart ? i - 1 : i), false);
        }
        if (lineStart && b == '\r' && !crAtLineStart) {
          crAtLineStart = true;
          continue;
        }
        crAtLineStart = false;
        lineStart = b == '\n';
      }
      length += n;
    }
    int lastLineEnd = length;
    while (lastLineEnd > 0 && buf[lastLineEnd - 1] != '\n') {
      lastLineEnd--;
    }
    return new HeaderSection(Arrays.copyOf(buf, lastLineEnd), true);
  }

  /** The header lines as text (UTF-8; RFC 6532 allows UTF-8 in headers). */
  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** True when any byte is outside US-ASCII (RFC 6532 headers). */
  public boolean isAscii() {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] endWithLineBreak(byte[] bytes) {
    if (bytes.length == 0 || bytes[bytes.length - 1] == '\n') {
      return bytes;
    }
    byte[] out = Arrays.copyOf(bytes, bytes.length + 2);
    out[bytes.length] = '\r';
    out[bytes.length + 1] = '\n';
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeaderSection h && truncated == h.truncated && Arrays.equals(bytes, h.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(bytes) + Boolean.hashCode(truncated);
  }

  @Override
  public String toString() {
    return "HeaderSection[" + bytes.length + " bytes" + (truncated ? ", truncated" : "") + "]";
  }
}

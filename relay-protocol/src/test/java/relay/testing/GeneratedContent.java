package relay.testing;

import java.io.InputStream;
import java.util.Arrays;

/** Message content made up as it is read, for tests that send more than they want to hold. */
public final class GeneratedContent {

  private GeneratedContent() {}

  /** {@code size} bytes of 'x' (no line breaks), generated as read. */
  public static InputStream xs(long size) {
    return new InputStream() {
      private long left = size;

      @Override
      public int read() {
        return left-- > 0 ? 'x' : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        Arrays.fill(b, off, off + n, (byte) 'x');
        left -= n;
        return n;
      }
    };
  }
}

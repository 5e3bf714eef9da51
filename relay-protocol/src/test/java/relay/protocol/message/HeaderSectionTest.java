package relay.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderSectionTest {

  private static HeaderSection read(String message, int max) throws IOException {
    return HeaderSection.read(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), max);
  }

  /** Hands out one byte per read, to cross every chunk boundary. */
  private static InputStream trickle(String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    return new InputStream() {
      private int i;

      @Override
      public int read() {
        return i < bytes.length ? bytes[i++] & 0xFF : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (i >= bytes.length) {
          return -1;
        }
        b[off] = bytes[i++];
        return 1;
      }
    };
  }

  @Test
  void stopsAtTheEmptyLine() throws IOException {
    HeaderSection h = read("A: 1\r\nB: 2\r\n  folded\r\n\r\nbody\r\n\r\nmore\r\n", 1000);

    assertEquals("A: 1\r\nB: 2\r\n  folded\r\n", h.text());
    assertFalse(h.truncated());
    assertEquals(h, HeaderSection.read(trickle("A: 1\r\nB: 2\r\n  folded\r\n\r\nbody\r\n"), 1000));
  }

  @Test
  void bareLineFeedsWorkToo() throws IOException {
    assertEquals("A: 1\nB: 2\n", read("A: 1\nB: 2\n\nbody\n", 1000).text());
  }

  @Test
  void messageWithoutBodyIsAllHeader() throws IOException {
    assertEquals("A: 1\r\nB: 2\r\n", read("A: 1\r\nB: 2", 1000).text());
    assertEquals("", read("\r\nbody only", 1000).text());
  }

  @Test
  void longSectionIsCutAfterItsLastWholeLine() throws IOException {
    HeaderSection h = read("A: 1\r\nB: 22222222\r\nC: 3\r\n\r\nbody", 12);

    assertEquals("A: 1\r\n", h.text());
    assertTrue(h.truncated());
  }

  @Test
  void utf8HeadersAreKeptAsBytes() throws IOException {
    HeaderSection h = read("Subject: caf\u00e9\r\n\r\nx", 1000);

    assertEquals("Subject: caf\u00e9\r\n", h.text());
    assertFalse(h.isAscii());
  }
}

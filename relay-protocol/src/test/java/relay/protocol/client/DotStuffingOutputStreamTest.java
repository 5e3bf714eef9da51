package relay.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotStuffingOutputStreamTest {

  /** Writes the content split at {@code split}, then finishes, and returns the wire bytes. */
  private static String stuff(String content, int split) throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    DotStuffingOutputStream data = new DotStuffingOutputStream(wire);
    byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
    data.write(bytes, 0, split);
    data.write(bytes, split, bytes.length - split);
    data.finish();
    return wire.toString(StandardCharsets.US_ASCII);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a\\r\\nb\\r\\n|a\\r\\nb\\r\\n.\\r\\n",
      ".\\r\\n|..\\r\\n.\\r\\n",
      "x\\r\\n.\\r\\n..\\r\\n|x\\r\\n..\\r\\n...\\r\\n.\\r\\n",
      ".start\\r\\nmid.dle\\r\\n|..start\\r\\nmid.dle\\r\\n.\\r\\n",
      "no newline|no newline\\r\\n.\\r\\n",
      "ends with cr\\r|ends with cr\\r\\r\\n.\\r\\n",
      "bare\\n.lf\\r\\n|bare\\n..lf\\r\\n.\\r\\n",
      "\\r\\n.|\\r\\n..\\r\\n.\\r\\n",
  })
  void stuffsEveryLineStartingWithADotWhereverTheWritesAreSplit(String content, String expected) throws IOException {
    String in = unescape(content);
    String out = unescape(expected);
    for (int split = 0; split <= in.length(); split++) {
      assertEquals(out, stuff(in, split), "split at " + split);
    }
    // and byte by byte through write(int)
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    DotStuffingOutputStream data = new DotStuffingOutputStream(wire);
    for (byte b : in.getBytes(StandardCharsets.US_ASCII)) {
      data.write(b);
    }
    data.finish();
    assertEquals(out, wire.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void emptyContentIsAnEmptyLine() throws IOException {
    assertEquals("\r\n.\r\n", stuff("", 0));
  }

  private static String unescape(String s) {
    return s.replace("\\r", "\r").replace("\\n", "\n");
  }
}

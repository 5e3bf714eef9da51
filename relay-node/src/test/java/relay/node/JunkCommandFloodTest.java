package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Floods of commands that move no mail against a node with the default limits
 * (max-junk-commands = 100, max-errors = 10): the 111th ends the session with 421 4.7.0.
 */
class JunkCommandFloodTest {

  private static RelayFixture relay;

  @BeforeAll
  static void start() throws Exception {
    relay = RelayFixture.create(RelayFixture.Storage.H2).start();
  }

  @AfterAll
  static void stop() throws Exception {
    relay.close();
  }

  @Test
  void aFloodOfNoopAndRsetEndsWith421AfterTheAllowanceAndTheErrors() throws Exception {
    try (SmtpDialog c = SmtpDialog.connect(relay.smtp())) {
      c.reply();
      c.command("EHLO client.example");
      int sent = 0;
      String reply = "";
      while (sent < 111) {
        reply = c.command(sent % 2 == 0 ? "NOOP" : "RSET");
        sent++;
        assertEquals("250 2.0.0 Ok", reply, "command " + sent);
      }
      assertEquals("421 4.7.0 relay.test Too many errors, closing", c.reply(),
          "after the reply to the 111th: 100 free, 10 errors tolerated");
      assertEquals("<closed>", c.reply());
    }
  }

  /**
   * The reproduction with the default limits: 25,000 pipelined HELP lines over a tiny
   * receive window, nothing read while writing. The node answers the first 111 and closes; the
   * rest is never executed. The close comes at once: the client's read ends (with the replies,
   * or with a reset, since the node closes with the client's unread lines in its buffer) long
   * before any timeout.
   */
  @Test
  void pipelinedHelpLinesWithoutReadingEndAfterTheJunkAllowance() throws Exception {
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(1024);
      socket.connect(new InetSocketAddress("127.0.0.1", relay.smtp().getPort()));
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      byte[] help = "HELP\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
      long start = System.nanoTime();
      int written = 0;
      try {
        for (; written < 25; written++) {
          out.write(help);
        }
      } catch (IOException e) {
        // the node closed while we were still writing
      }
      String replies;
      try {
        replies = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      } catch (IOException e) {
        replies = "<reset: " + e.getMessage() + ">";
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("help flood: %d000 lines written, connection ended after %.2f s: %s%n",
          written, seconds, replies.startsWith("<") ? replies : count(replies, "214 ")
              + " HELP replies, then " + replies.substring(replies.lastIndexOf("421")).trim());
      assertTrue(seconds < 5, "ended after " + seconds + " s");
      if (!replies.startsWith("<")) {
        assertEquals(111, count(replies, "214 2.0.0 See RFC 5321"), "HELP answered");
        assertTrue(replies.endsWith("421 4.7.0 relay.test Too many errors, closing\r\n"));
      }
    }
    try (SmtpDialog c = SmtpDialog.connect(relay.smtp())) {
      assertTrue(c.reply().startsWith("220 "), "the node serves on");
    }
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}

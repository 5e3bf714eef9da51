package relay.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import relay.protocol.reply.SmtpReply;

class ReplyReaderTest {

  private static ReplyReader reader(String wire) {
    return new ReplyReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)), 512, 10);
  }

  @Test
  void singleLineWithEnhancedCode() throws IOException {
    SmtpReply reply = reader("550 5.1.1 No such user here\r\n").read();

    assertEquals(new SmtpReply(550, "5.1.1", List.of("No such user here"), false), reply);
  }

  @Test
  void multiLineKeepsEveryLineAndStripsTheCodes() throws IOException {
    SmtpReply reply = reader("452-4.2.2 The mailbox is full.\r\n452-4.2.2 Try again later\r\n452 4.2.2 see URL\r\n").read();

    assertEquals(452, reply.code());
    assertEquals("4.2.2", reply.enhanced());
    assertEquals(List.of("The mailbox is full.", "Try again later", "see URL"), reply.lines());
  }

  @Test
  void replyWithoutEnhancedCodeOrText() throws IOException {
    ReplyReader r = reader("250 mx.example.test Hello\r\n354\r\n250 7.1.1 not a code\n");

    assertEquals(new SmtpReply(250, "", List.of("mx.example.test Hello"), false), r.read());
    assertEquals(new SmtpReply(354, "", List.of(""), false), r.read());
    assertEquals("", r.read().enhanced(), "class 7 does not match 250, and bare LF ends a line");
  }

  @Test
  void ehloReplyLinesAreCapabilities() throws IOException {
    SmtpReply ehlo = reader("250-mx.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n").read();
    Capabilities caps = Capabilities.parse(ehlo.lines());

    assertTrue(caps.esmtp() && caps.pipelining() && caps.eightBitMime() && caps.smtpUtf8() && caps.size());
    assertEquals(1000, caps.maxSize());
    assertFalse(caps.chunking());
    assertFalse(caps.enhancedStatusCodes());
  }

  @Test
  void reply421IsMarkedClosing() throws IOException {
    assertTrue(reader("421 4.3.2 shutting down\r\n").read().closesConnection());
  }

  @Test
  void malformedRepliesAreRefused() {
    assertThrows(ReplyReader.MalformedReplyException.class, () -> reader("hello\r\n").read());
    assertThrows(ReplyReader.MalformedReplyException.class, () -> reader("250-a\r\n251 b\r\n").read());
    assertThrows(ReplyReader.MalformedReplyException.class, () -> reader("250xyz\r\n").read());
    assertThrows(ReplyReader.MalformedReplyException.class, () -> reader("199 early\r\n").read());
    assertThrows(ReplyReader.MalformedReplyException.class, () -> reader("250 " + "x".repeat(600) + "\r\n").read());
    assertThrows(ReplyReader.MalformedReplyException.class, () -> reader("250-x\r\n".repeat(11) + "250 x\r\n").read());
    assertThrows(EOFException.class, () -> reader("250-cut off\r\n").read());
  }
}

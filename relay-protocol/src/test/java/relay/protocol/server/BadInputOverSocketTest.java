package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import relay.protocol.address.Mailbox;

/** Every kind of bad input, over a real socket, with the reply a client sees. */
class BadInputOverSocketTest extends OverSocketTest {

  @Test
  void unknownCommandAndTheSessionGoesOn() throws Exception {
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      assertEquals("500 5.5.1 Command unrecognized", c.command("FROB nicate"));
      assertEquals("250 2.0.0 Ok", c.command("NOOP"));
    }
  }

  @Test
  void commandsOutOfSequence() throws Exception {
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      c.command("EHLO client.example");
      assertEquals("503 5.5.1 Bad sequence of commands: need MAIL command",
          c.command("RCPT TO:<bob@example.org>"));
      assertEquals("503 5.5.1 Bad sequence of commands: need MAIL command", c.command("DATA"));
      c.command("MAIL FROM:<alice@client.example>");
      assertEquals("503 5.5.1 Bad sequence of commands: need RCPT command", c.command("DATA"));
      assertEquals("503 5.5.1 Bad sequence of commands: nested MAIL command",
          c.command("MAIL FROM:<alice@client.example>"));
    }
  }

  @Test
  void commandLineOver512OctetsIsRefusedAndNotExecuted() throws Exception {
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      assertEquals("250 2.0.0 Ok", c.command("NOOP " + "x".repeat(505)), "510 octets + CRLF");
      assertEquals("500 5.5.2 Line too long", c.command("QUIT " + "x".repeat(506)));
      assertEquals("500 5.5.2 Line too long", c.command("QUIT " + "x".repeat(5000)));
      assertEquals("250 2.0.0 Ok", c.command("NOOP"), "the QUIT was not executed");
    }
  }

  @Test
  void textLineOver1000OctetsIsRefusedAfterTheEndOfData() throws Exception {
    try (SmtpTestClient c = inTransaction()) {
      assertEquals("354 End data with <CR><LF>.<CR><LF>", c.command("DATA"));
      c.send("Subject: long\r\n\r\n" + "y".repeat(998) + "\r\n" + "z".repeat(999) + "\r\n.\r\n");
      assertEquals("554 5.6.0 Message refused: text line longer than 998 octets", c.reply());
      assertEquals("250 2.0.0 Ok", c.command("NOOP"));
    }
    assertEquals(List.of(), server.sink.committed);
    assertEquals(1, server.sink.aborted.get());
  }

  @Test
  void invalidMailboxes() throws Exception {
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      c.command("EHLO client.example");
      for (String bad : List.of("MAIL FROM:alice@client.example", "MAIL FROM:<alice@client.example",
          "MAIL FROM:alice@client.example>", "MAIL FROM:<.alice@client.example>",
          "MAIL FROM:<alice.@client.example>", "MAIL FROM:<alice@client..example>",
          "MAIL FROM:<alice@-client.example>")) {
        assertEquals("501 5.1.7 Bad sender address syntax", c.command(bad), bad);
      }
    }
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      c.command("EHLO client.example");
      c.command("MAIL FROM:<alice@client.example>");
      for (String bad : List.of("RCPT TO:bob@example.org", "RCPT TO:<bob@example.org",
          "RCPT TO:<<bob@example.org>", "RCPT TO:<.bob@example.org>", "RCPT TO:<bob.@example.org>",
          "RCPT TO:<bob@example_org>", "RCPT TO:<bob@[300.1.1.1]>")) {
        assertEquals("501 5.5.2 Bad recipient address syntax", c.command(bad), bad);
      }
      assertEquals("250 2.1.5 Ok", c.command("RCPT TO:<a%b!c@example.org>"));
      assertEquals("250 2.1.5 Ok", c.command("RCPT TO:<@hop1.example,@hop2.example:d@example.net>"));
      assertEquals("354 End data with <CR><LF>.<CR><LF>", c.command("DATA"));
      c.send("Subject: paths\r\n\r\nx\r\n.\r\n");
      assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as "));
    }
    assertEquals(List.of(new Mailbox("a%b!c", "example.org"), new Mailbox("d", "example.net")),
        server.sink.committed.get(0).envelope().recipients(),
        "% and ! stay in the local part; the source route is gone");
  }

  @Test
  void mailLoopIsRefusedAndNothingQueued() throws Exception {
    StringBuilder message = new StringBuilder();
    for (int i = 0; i < 101; i++) {
      message.append("Received: from hop").append(i).append(".example by x; ")
          .append("Mon, 23 Nov 2026 09:00:00 +0000\r\n");
    }
    message.append("Subject: loop\r\n\r\nbody\r\n.\r\n");
    try (SmtpTestClient c = inTransaction()) {
      c.command("DATA");
      c.send(message.toString());
      assertEquals("554 5.4.6 Too many Received headers: mail loop", c.reply());
    }
    assertEquals(List.of(), server.sink.committed);
    assertEquals(1, server.sink.aborted.get());
  }

  @Test
  void messageOverTheSizeLimitDeclaredOrActual() throws Exception {
    server.close();
    server = TestServer.start(system, TestSettings.with(Map.of("max-message-size", "2KiB")),
        TestServer.REGISTERED);
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      c.send("EHLO client.example\r\n");
      List<String> ehlo = c.replyLines();
      assertTrue(ehlo.contains("250-SIZE 2048"), ehlo.toString());
      assertEquals("552 5.3.4 Message size exceeds fixed limit",
          c.command("MAIL FROM:<alice@client.example> SIZE=2049"));
      assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<alice@client.example> SIZE=2048"));
      c.command("RCPT TO:<bob@example.org>");
      c.command("DATA");
      c.send("Subject: big\r\n\r\n" + ("0123456789".repeat(10) + "\r\n").repeat(30) + ".\r\n");
      assertEquals("552 5.3.4 Message size exceeds fixed limit", c.reply());
      // BDAT: the limit applies across chunks
      c.command("MAIL FROM:<alice@client.example>");
      c.command("RCPT TO:<bob@example.org>");
      c.send("BDAT 1500\r\n" + ("a".repeat(148) + "\r\n").repeat(10));
      assertEquals("250 2.0.0 Ok: 1500 octets received", c.reply());
      c.send("BDAT 1000 LAST\r\n" + ("b".repeat(98) + "\r\n").repeat(10));
      assertEquals("552 5.3.4 Message size exceeds fixed limit", c.reply());
      assertEquals("250 2.0.0 Ok", c.command("NOOP"));
    }
    assertEquals(List.of(), server.sink.committed);
    assertEquals(2, server.sink.aborted.get());
  }

  @Test
  void recipientsBeyondTheLimitGet452Each() throws Exception {
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      c.command("EHLO client.example");
      c.command("MAIL FROM:<alice@client.example>");
      StringBuilder batch = new StringBuilder();
      for (int i = 0; i < 103; i++) {
        batch.append("RCPT TO:<r").append(i).append("@example.org>\r\n");
      }
      c.send(batch.toString());
      List<String> replies = c.replies(103);
      for (int i = 0; i < 100; i++) {
        assertEquals("250 2.1.5 Ok", replies.get(i), "recipient " + i);
      }
      for (int i = 100; i < 103; i++) {
        assertEquals("452 4.5.3 Too many recipients", replies.get(i), "recipient " + i);
      }
      c.command("DATA");
      c.send("Subject: many\r\n\r\nx\r\n.\r\n");
      assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as"));
    }
    assertEquals(100, server.sink.committed.get(0).envelope().recipients().size());
  }

  @Test
  void bareLineEndsNeverEndTheDataAndTheMessageIsRefused() throws Exception {
    List<String> fakeEnds = List.of("\n.\n", "\n.\r\n", "\r.\r\n", "\r\n.\n", "\r\n.\rX\r\n");
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      c.command("EHLO client.example");
      for (String fakeEnd : fakeEnds) {
        c.command("MAIL FROM:<alice@client.example>");
        c.command("RCPT TO:<bob@example.org>");
        assertEquals("354 End data with <CR><LF>.<CR><LF>", c.command("DATA"));
        c.send("Subject: smuggle\r\n\r\nhello" + fakeEnd
            + "MAIL FROM:<ceo@example.org>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\n"
            + "Subject: spoofed\r\n\r\nsmuggled\r\n.\r\n");
        assertEquals("554 5.6.0 Message refused: bare CR or LF in message", c.reply(),
            "fake end " + fakeEnd.replace("\r", "\\r").replace("\n", "\\n"));
      }
      assertEquals("250 2.0.0 Ok", c.command("NOOP"), "the smuggled commands never ran");
    }
    assertEquals(List.of(), server.sink.committed);
  }

  @Test
  void nulInACommand() throws Exception {
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      assertEquals("500 5.5.2 Syntax error: NUL character in command",
          c.command("EHLO client\u0000.example"));
      assertEquals("500 5.5.2 Syntax error: NUL character in command", c.command("\u0000"));
      assertEquals("250 2.0.0 Ok", c.command("NOOP"));
    }
  }

  @Test
  void idlePastTheCommandTimeout() throws Exception {
    server.close();
    server = TestServer.start(system, TestSettings.with(Map.of("command-timeout", "1s")),
        TestServer.REGISTERED);
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      c.command("EHLO client.example");
      assertEquals("421 4.4.2 relay.example Idle timeout, closing", c.reply());
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void idlePastTheDataTimeout() throws Exception {
    server.close();
    server = TestServer.start(system, TestSettings.with(Map.of("data-timeout", "1s")),
        TestServer.REGISTERED);
    try (SmtpTestClient c = inTransaction()) {
      c.command("DATA");
      c.send("Subject: slow\r\n\r\nhalf a mess");
      assertEquals("421 4.4.2 relay.example Idle timeout, closing", c.reply());
      assertTrue(c.closedByServer());
    }
    assertEquals(List.of(), server.sink.committed);
    assertEquals(1, server.sink.aborted.get());
  }

  @Test
  void moreThanTenErrorsCloses() throws Exception {
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      List<String> replies = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        replies.add(c.command("RCPT TO:<x@example.org>"));
      }
      assertTrue(replies.stream().allMatch(r -> r.startsWith("503 5.5.1")), replies.toString());
      assertEquals("500 5.5.1 Command unrecognized", c.command("BOGUS"));
      assertEquals("421 4.7.0 relay.example Too many errors, closing", c.reply());
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void unidentifiedClientMayOnlyMailPostmaster() throws Exception {
    server.close();
    server = TestServer.start(system, TestSettings.defaults(), TestServer.ANONYMOUS);
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      c.command("EHLO stranger.example");
      c.command("MAIL FROM:<x@stranger.example>");
      assertEquals("554 5.7.1 Relay access denied", c.command("RCPT TO:<bob@example.org>"));
      assertEquals("250 2.1.5 Ok", c.command("RCPT TO:<postmaster>"));
    }
  }
}

package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.junit.jupiter.api.Test;
import relay.protocol.address.Mailbox;

/** Pipelined dialogs, BDAT, durable-before-250, failures and shutdown over a real socket. */
class PipeliningOverSocketTest extends OverSocketTest {

  @Test
  void pipelinedBatchIsAnsweredInOrder() throws Exception {
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      c.send("EHLO client.example\r\nMAIL FROM:<alice@client.example> BODY=8BITMIME\r\n"
          + "RCPT TO:<bob@example.org>\r\nRCPT TO:<bad@@example.org>\r\n"
          + "RCPT TO:<carol@example.org>\r\nDATA\r\n");
      List<String> ehlo = c.replyLines();
      assertEquals("250-relay.example", ehlo.get(0));
      assertTrue(ehlo.contains("250-PIPELINING") && ehlo.contains("250-CHUNKING"), ehlo.toString());
      assertEquals(List.of("250 2.1.0 Ok", "250 2.1.5 Ok", "501 5.5.2 Bad recipient address syntax",
          "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>"), c.replies(5));
      c.send("Subject: pipelined\r\n\r\n..leading dot\r\nlast line\r\n.\r\nNOOP\r\nQUIT\r\n");
      String queued = c.reply();
      assertTrue(queued.startsWith("250 2.0.0 Ok: queued as Q"), queued);
      assertEquals(List.of("250 2.0.0 Ok", "221 2.0.0 Bye"), c.replies(2));
      assertTrue(c.closedByServer());
    }
    InMemoryMessageSink.Stored stored = server.sink.committed.get(0);
    Envelope envelope = stored.envelope();
    assertEquals(List.of(new Mailbox("bob", "example.org"), new Mailbox("carol", "example.org")),
        envelope.recipients());
    assertTrue(envelope.eightBitMime());
    assertEquals("ESMTP", envelope.protocol());
    assertEquals("127.0.0.1", envelope.client().remoteIp());
    String content = stored.content();
    assertTrue(content.startsWith("Received: from client.example ([127.0.0.1])\r\n"
        + "\tby relay.example with ESMTP id " + envelope.queueId() + ";\r\n\t"), content);
    assertTrue(content.endsWith("Subject: pipelined\r\nDate: " + content.split("Date: ")[1]
        .split("\r\n")[0] + "\r\nMessage-ID: <" + envelope.queueId() + "."
        + envelope.receivedAt().toEpochMilli() + "@relay.example>\r\n"
        + "\r\n.leading dot\r\nlast line\r\n"), content);
    assertEquals("Subject: pipelined\r\n\r\n.leading dot\r\nlast line\r\n".length(),
        envelope.size());
  }

  @Test
  void repliesToAPipelinedBatchComeTogether() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      readUntil(in, "ESMTP\r\n");
      socket.getOutputStream().write(("NOOP\r\n".repeat(50)).getBytes());
      socket.getOutputStream().flush();
      byte[] expected = "250 2.0.0 Ok\r\n".repeat(50).getBytes();
      byte[] got = in.readNBytes(expected.length);
      assertEquals(new String(expected), new String(got));
    }
  }

  private static void readUntil(InputStream in, String end) throws IOException {
    StringBuilder seen = new StringBuilder();
    while (!seen.toString().endsWith(end)) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("closed after " + seen);
      }
      seen.append((char) b);
    }
  }

  @Test
  void bdatChunksPipelined() throws Exception {
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      c.command("EHLO client.example");
      c.send("MAIL FROM:<alice@client.example>\r\nRCPT TO:<bob@example.org>\r\n"
          + "BDAT 21\r\nSubject: chunks\r\n\r\n.aBDAT 9 LAST\r\nb\r\n.\r\nc\r\n");
      List<String> replies = c.replies(4);
      assertEquals(List.of("250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.0.0 Ok: 21 octets received"),
          replies.subList(0, 3));
      assertTrue(replies.get(3).startsWith("250 2.0.0 Ok: queued as"), replies.get(3));
    }
    String content = server.sink.committed.get(0).content();
    assertTrue(content.endsWith("\r\n\r\n.ab\r\n.\r\nc\r\n"), "BDAT content is not unstuffed");
    assertEquals(30, server.sink.committed.get(0).envelope().size());
  }

  @Test
  void refusedBdatStillConsumesItsOctets() throws Exception {
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      c.command("EHLO client.example");
      c.send("BDAT 6 LAST\r\nQUIT\r\nNOOP\r\n");
      assertEquals(List.of("503 5.5.1 Bad sequence of commands: need MAIL command",
          "250 2.0.0 Ok"), c.replies(2));
    }
    assertEquals(0, server.sink.begun.get());
  }

  @Test
  void noReplyBeforeTheMessageIsDurable() throws Exception {
    CompletableFuture<Done> gate = new CompletableFuture<>();
    server.sink.commitGate = gate;
    try (SmtpTestClient c = inTransaction()) {
      c.command("DATA");
      c.send("Subject: wait\r\n\r\nx\r\n.\r\nNOOP\r\n");
      assertFalse(c.replyArrivesWithin(300), "250 before the commit completed");
      assertTrue(server.sink.committed.isEmpty());
      gate.complete(Done.getInstance());
      assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as"));
      assertEquals("250 2.0.0 Ok", c.reply(), "the command pipelined after the data runs next");
    }
    assertEquals(1, server.sink.committed.size());
  }

  @Test
  void spoolFailuresAnswer451AndTheSessionGoesOn() throws Exception {
    try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      c.command("EHLO client.example");
      server.sink.failBegin = true;
      c.command("MAIL FROM:<alice@client.example>");
      c.command("RCPT TO:<bob@example.org>");
      assertEquals("451 4.3.0 Local error in processing", c.command("DATA"));
      server.sink.failBegin = false;
      server.sink.failWrite = true;
      c.command("MAIL FROM:<alice@client.example>");
      c.command("RCPT TO:<bob@example.org>");
      c.command("DATA");
      c.send("Subject: w\r\n\r\nx\r\n.\r\n");
      assertEquals("451 4.3.0 Local error in processing", c.reply());
      server.sink.failWrite = false;
      server.sink.failCommit = true;
      c.command("MAIL FROM:<alice@client.example>");
      c.command("RCPT TO:<bob@example.org>");
      c.command("DATA");
      c.send("Subject: c\r\n\r\nx\r\n.\r\n");
      assertEquals("451 4.3.0 Local error in processing", c.reply());
      server.sink.failCommit = false;
      c.command("MAIL FROM:<alice@client.example>");
      c.command("RCPT TO:<bob@example.org>");
      c.command("DATA");
      c.send("Subject: ok\r\n\r\nx\r\n.\r\n");
      assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as"));
    }
    assertEquals(1, server.sink.committed.size());
    assertEquals(2, server.sink.aborted.get());
  }

  @Test
  void shutdownClosesLiveSessionsAndRefusesNewOnes() throws Exception {
    try (SmtpTestClient idle = SmtpTestClient.connect(server.port());
        SmtpTestClient inData = SmtpTestClient.connect(server.port())) {
      idle.command("EHLO client.example");
      inData.command("EHLO client.example");
      inData.command("MAIL FROM:<alice@client.example>");
      inData.command("RCPT TO:<bob@example.org>");
      inData.command("DATA");
      inData.send("Subject: cut short\r\n\r\n");
      assertEquals(2, server.control.liveSessions());
      server.control.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals("421 4.3.2 relay.example Service shutting down", idle.reply());
      assertTrue(idle.closedByServer());
      assertEquals("421 4.3.2 relay.example Service shutting down", inData.reply());
      assertTrue(inData.closedByServer());
      try (SmtpTestClient late = SmtpTestClient.open(server.port())) {
        assertEquals("421 4.3.2 relay.example Service shutting down", late.reply());
        assertTrue(late.closedByServer());
      }
    }
    assertEquals(List.of(), server.sink.committed);
    assertEquals(1, server.sink.aborted.get());
  }

  @Test
  void shutdownLetsACommitInFlightFinish() throws Exception {
    CompletableFuture<Done> gate = new CompletableFuture<>();
    server.sink.commitGate = gate;
    try (SmtpTestClient c = inTransaction()) {
      c.command("DATA");
      c.send("Subject: in flight\r\n\r\nx\r\n.\r\n");
      assertFalse(c.replyArrivesWithin(200));
      CompletableFuture<Done> drained = server.control.shutdown().toCompletableFuture();
      assertFalse(c.replyArrivesWithin(200), "nothing until the commit completes");
      gate.complete(Done.getInstance());
      assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as"));
      assertEquals("421 4.3.2 relay.example Service shutting down", c.reply());
      assertTrue(c.closedByServer());
      drained.get(10, TimeUnit.SECONDS);
    }
    assertEquals(1, server.sink.committed.size());
  }

  @Test
  void clientDisconnectingMidMessageAbortsIt() throws Exception {
    try (SmtpTestClient c = inTransaction()) {
      c.command("DATA");
      c.send("Subject: gone\r\n\r\npartial");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.sink.aborted.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(1, server.sink.aborted.get());
    assertEquals(List.of(), server.sink.committed);
  }
}

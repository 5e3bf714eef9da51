package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import relay.testing.ReceivedMessage;
import relay.testing.SmtpSink;

/**
 * A running node against hostile clients, black-box over real sockets, with its deadlines and
 * caps scaled down to seconds and handfuls (the defaults are in reference.conf): what each
 * attack gets as a reply, and that the node still serves its registered clients.
 *
 * <p>Registered clients: 127.0.0.1 ("test-app") and 127.0.0.3 ("device", one session at a
 * time). Every other loopback address is an unidentified client; each test uses addresses of its
 * own, since the caps count per address. Junk commands are not limited here (a flood of them is
 * {@link JunkCommandFloodTest}'s), so that a flood of HELP shows the write timeout.
 */
class HostileClientsTest {

  private static RelayFixture relay;
  /** The MX of the internationalized domain: a sink that offers SMTPUTF8 (RFC 6531). */
  private static SmtpSink utf8Sink;

  @BeforeAll
  static void start() throws Exception {
    relay = RelayFixture.create(RelayFixture.Storage.H2);
    utf8Sink = SmtpSink.builder().bind("127.0.0.4", relay.sink.port()).smtpUtf8(true).start();
    relay.dns.mx("victim.test", 10, "mx.dest.test");
    relay.dns.mx("xn--bcher-kva.test", 10, "mx.utf8.test").a("mx.utf8.test", "127.0.0.4");
    relay.with("relay.clients = [ { name = \"test-app\", ips = [\"127.0.0.1\"] },"
            + " { name = \"device\", ips = [\"127.0.0.3\"], max-sessions = 1 } ]")
        .with("relay.postmaster = \"pm-box@dest.test\"")
        .with("relay.smtp.server { command-timeout = 2s, data-timeout = 2s, min-data-rate = 100,"
            + " write-timeout = 2s, max-session-time = 8s, max-pending-output = 16KiB, socket-send-buffer = 16KiB,"
            + " max-junk-commands = 1000000, max-errors = 5, max-connections = 300,"
            + " unidentified { max-connections = 40, max-connections-per-address = 3,"
            + " messages-per-hour = 2 } }")
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      relay.close();
    } finally {
      utf8Sink.close();
    }
  }

  // ---- postmaster, the one door open to everybody ------------------------------------------

  @Test
  void anUnidentifiedClientReachesOnlyPostmasterWithOneSmallMessageAtATime() throws Exception {
    try (SmtpDialog c = SmtpDialog.connectFrom("127.0.0.20", relay.smtp())) {
      assertTrue(c.reply().startsWith("220 "));
      assertTrue(c.command("EHLO stranger.example").contains("250-SIZE 65536"));
      assertEquals("552 5.3.4 Message size exceeds fixed limit",
          c.command("MAIL FROM:<forged@victim.test> SIZE=65537"));
      assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<forged@victim.test>"));
      assertEquals("554 5.7.1 Relay access denied", c.command("RCPT TO:<someone@dest.test>"));
      assertEquals("250 2.1.5 Ok", c.command("RCPT TO:<postmaster>"));
      assertEquals("452 4.5.3 Too many recipients", c.command("RCPT TO:<postmaster@relay.test>"));
      assertEquals("354 End data with <CR><LF>.<CR><LF>", c.command("DATA"));
      c.send("Subject: big to postmaster\r\n\r\n" + ("x".repeat(998) + "\r\n").repeat(70));
      assertEquals("552 5.3.4 Message size exceeds fixed limit", c.command("."));
      c.command("MAIL FROM:<forged@victim.test>");
      c.command("RCPT TO:<postmaster>");
      c.command("DATA");
      assertTrue(c.command("Subject: hello postmaster\r\n\r\nhi\r\n.").startsWith("250 2.0.0"));
    }
    ReceivedMessage m = awaitMessage("hello postmaster");
    assertEquals(List.of("pm-box@dest.test"), m.recipients());
    assertEquals("", m.mailFrom(), "sent with the null sender: a failure is never bounced");
  }

  @Test
  void anAddressSendsAtMostItsHourlyAllowanceToPostmaster() throws Exception {
    List<String> replies = new ArrayList<>();
    try (SmtpDialog c = SmtpDialog.connectFrom("127.0.0.21", relay.smtp())) {
      c.reply();
      c.command("EHLO stranger.example");
      for (int i = 0; i < 3; i++) {
        c.command("MAIL FROM:<x@stranger.example>");
        c.command("RCPT TO:<postmaster>");
        c.command("DATA");
        replies.add(c.command("Subject: allowance " + i + "\r\n\r\nhi\r\n."));
      }
    }
    assertTrue(replies.get(0).startsWith("250 ") && replies.get(1).startsWith("250 "), replies.toString());
    assertEquals("450 4.7.1 Too much mail to postmaster from your address, try again later",
        replies.get(2));
    try (SmtpDialog other = SmtpDialog.connectFrom("127.0.0.22", relay.smtp())) {
      other.reply();
      other.command("EHLO other.example");
      other.command("MAIL FROM:<x@other.example>");
      other.command("RCPT TO:<postmaster>");
      other.command("DATA");
      assertTrue(other.command("Subject: other\r\n\r\nhi\r\n.").startsWith("250 "),
          "another address has its own allowance");
    }
  }

  // ---- connection caps --------------------------------------------------------------------

  @Test
  void unidentifiedConnectionsAreCappedPerAddressAndInAllWhileRegisteredClientsGetIn()
      throws Exception {
    List<SmtpDialog> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(greeted("127.0.0.30"));
      }
      try (SmtpDialog fourth = SmtpDialog.connectFrom("127.0.0.30", relay.smtp())) {
        assertEquals("421 4.7.0 relay.test Too many connections from your address, closing",
            fourth.reply());
        assertEquals("<closed>", fourth.reply());
      }
      // 40 unidentified connections in all: 3 above and 37 more from other addresses
      for (int i = 0; open.size() < 40; i++) {
        open.add(greeted("127.0.1." + (1 + i / 3)));
      }
      try (SmtpDialog beyond = SmtpDialog.connectFrom("127.0.2.1", relay.smtp())) {
        assertEquals(
            "421 4.7.0 relay.test Too many connections from unregistered clients, closing",
            beyond.reply());
      }
      long start = System.nanoTime();
      try (SmtpDialog registered = SmtpDialog.connect(relay.smtp())) {
        assertTrue(registered.reply().startsWith("220 "));
        assertEquals("250 2.0.0 Ok", registered.command("NOOP"));
      }
      double ms = (System.nanoTime() - start) / 1e6;
      assertTrue(ms < 1000, "a registered client is greeted in " + ms + " ms");
    } finally {
      for (SmtpDialog c : open) {
        c.close();
      }
    }
  }

  // ---- deadlines ---------------------------------------------------------------------------

  @Test
  void aClientTricklingACommandLineIsCutOffAtTheCommandTimeout() throws Exception {
    try (SmtpDialog c = SmtpDialog.connect(relay.smtp())) {
      c.reply();
      long start = System.nanoTime();
      String line = "EHLO " + "slow".repeat(40);
      int sent = 0;
      while (sent < line.length() && c.idleFor(300)) {
        c.send(line.substring(sent, sent + 1));
        sent++;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals("421 4.4.2 relay.test Idle timeout, closing", c.reply());
      assertTrue(seconds > 1.5 && seconds < 5, "cut off after " + seconds + " s, " + sent
          + " bytes trickled");
    }
  }

  @Test
  void contentTrickledBelowTheMinimumRateIsCutOff() throws Exception {
    try (SmtpDialog c = SmtpDialog.connect(relay.smtp())) {
      c.reply();
      c.command("EHLO client.example");
      c.command("MAIL FROM:<a@sender.test>");
      c.command("RCPT TO:<trickle@dest.test>");
      assertEquals("354 End data with <CR><LF>.<CR><LF>", c.command("DATA"));
      long start = System.nanoTime();
      c.send("Subject: trickled\r\n\r\n");
      while (c.idleFor(200)) {
        c.send("x");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals("421 4.4.2 relay.test Idle timeout, closing", c.reply());
      assertTrue(seconds > 1.5 && seconds < 5, "cut off after " + seconds + " s");
    }
  }

  @Test
  void aSessionKeptBusyWithinEveryDeadlineEndsAtItsMaximumLifetime() throws Exception {
    try (SmtpDialog c = SmtpDialog.connect(relay.smtp())) {
      long start = System.nanoTime();
      c.reply();
      c.command("EHLO busy.example");
      String last = "";
      while ((System.nanoTime() - start) / 1e9 < 15) {
        last = c.command("MAIL FROM:<a@sender.test>");
        if (!last.startsWith("250 ")) {
          break;
        }
        c.command("RSET");
        c.idleFor(1000); // well within the command timeout of 2 s
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals("421 4.4.2 relay.test Session time limit reached, closing", last);
      assertTrue(seconds > 7 && seconds < 12, "ended after " + seconds + " s");
    }
  }

  /**
   * A registered client limited to one session floods HELP over a tiny receive window and never
   * reads: the node stops reading its commands, aborts the connection after the write timeout,
   * and the client's one session slot is free again.
   */
  @Test
  void aClientThatStopsReadingLosesItsConnectionAndItsSlotComesBack() throws Exception {
    Socket flood = new Socket();
    flood.setReceiveBufferSize(1024);
    flood.bind(new InetSocketAddress("127.0.0.3", 0));
    flood.connect(relay.smtp());
    Thread writer = new Thread(() -> {
      try {
        OutputStream out = flood.getOutputStream();
        byte[] help = "HELP\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 25_000; i++) {
          out.write(help);
        }
        out.flush();
      } catch (IOException e) {
        // aborted by the node under a blocked write
      }
    }, "help-flood");
    writer.setDaemon(true);
    writer.start();
    try {
      Thread.sleep(500);
      try (SmtpDialog second = SmtpDialog.connectFrom("127.0.0.3", relay.smtp())) {
        assertEquals("421 4.4.5 relay.test Too many concurrent sessions for this client, closing",
            second.reply(), "the flooding connection holds the client's only session");
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      String greeting = null;
      while (System.nanoTime() < deadline) {
        try (SmtpDialog next = SmtpDialog.connectFrom("127.0.0.3", relay.smtp())) {
          greeting = next.reply();
          if (greeting.startsWith("220 ")) {
            assertEquals("250 2.0.0 Ok", next.command("NOOP"));
            break;
          }
        }
        Thread.sleep(250);
      }
      assertTrue(greeting != null && greeting.startsWith("220 "),
          "the slot came back once the node aborted the flood: " + greeting);
    } finally {
      flood.close();
    }
  }

  // ---- protocol abuse ----------------------------------------------------------------------

  @Test
  void aBdatChunkBehindBadArgumentsIsConsumedNeverExecuted() throws Exception {
    try (SmtpDialog c = SmtpDialog.connect(relay.smtp())) {
      c.reply();
      c.command("EHLO client.example");
      c.command("MAIL FROM:<a@sender.test>");
      c.command("RCPT TO:<bdat@dest.test>");
      String chunk = "RSET\r\nQUIT\r\nNOOP\r\n";
      c.send("BDAT " + chunk.length() + " LAST please\r\n" + chunk);
      assertEquals("501 5.5.4 Syntax: BDAT chunk-size [LAST]", c.reply());
      assertEquals("250 2.0.0 Ok", c.command("NOOP"), "the chunk's QUIT was not executed");
      assertEquals("503 5.5.1 Bad sequence of commands: need MAIL command",
          c.command("RCPT TO:<bdat@dest.test>"), "the refused chunk ended the transaction");
      c.send("BDAT 99999999999999999999 LAST\r\nQUIT\r\n");
      assertEquals("501 5.5.4 Syntax: BDAT chunk-size [LAST]; unreadable chunk size, closing",
          c.reply());
      assertEquals("<closed>", c.reply());
    }
  }

  // ---- addresses that later poison delivery -------------------------------------------------

  @Test
  void aQuotedLocalPartIsDeliveredWithItsCoRecipients() throws Exception {
    String reply = send("<\"a>b\"@dest.test>", "<plain@dest.test>", "Subject: quoted local part");
    assertTrue(reply.startsWith("250 2.0.0"), reply);
    ReceivedMessage m = awaitMessage("quoted local part");
    assertTrue(m.recipients().contains("plain@dest.test"), m.recipients().toString());
    assertTrue(relay.sink.commands().contains("RCPT TO:<\"a>b\"@dest.test>"),
        "the quoted local part went out exactly as accepted");
  }

  @Test
  void anInternationalizedDomainIsLookedUpAndSentInItsALabelForm() throws Exception {
    String reply = send("<jörg@bücher.test> SMTPUTF8", null, "Subject: idn");
    assertTrue(reply.startsWith("250 2.0.0"), reply);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (utf8Sink.messageCount() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(1, utf8Sink.messageCount(), "delivered through the A-label's MX");
    assertEquals(List.of("jörg@xn--bcher-kva.test"), utf8Sink.messages().get(0).recipients());
  }

  @Test
  void aDomainWithNoDnsFormIsRefusedAtRcpt() throws Exception {
    try (SmtpDialog c = SmtpDialog.connect(relay.smtp())) {
      c.reply();
      c.command("EHLO client.example");
      c.command("MAIL FROM:<a@sender.test>");
      assertEquals("553 5.1.3 Bad recipient domain: not a valid domain name",
          c.command("RCPT TO:<b@xn--zz.test>"));
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static SmtpDialog greeted(String from) throws IOException {
    SmtpDialog c = SmtpDialog.connectFrom(from, relay.smtp());
    String greeting = c.reply();
    if (!greeting.startsWith("220 ")) {
      c.close();
      throw new AssertionError(from + " was not greeted: " + greeting);
    }
    return c;
  }

  /** One message from the registered client; returns the reply to its end of data. */
  private static String send(String rcpt, String secondRcpt, String subject) throws IOException {
    try (SmtpDialog c = SmtpDialog.connect(relay.smtp())) {
      c.reply();
      c.command("EHLO client.example");
      c.command("MAIL FROM:<a@sender.test>" + (rcpt.contains("SMTPUTF8") ? " SMTPUTF8" : ""));
      String first = c.command("RCPT TO:" + rcpt.replace(" SMTPUTF8", ""));
      assertEquals("250 2.1.5 Ok", first);
      if (secondRcpt != null) {
        assertEquals("250 2.1.5 Ok", c.command("RCPT TO:" + secondRcpt));
      }
      c.command("DATA");
      return c.command(subject + "\r\n\r\nbody\r\n.");
    }
  }

  private static ReceivedMessage awaitMessage(String text) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      for (ReceivedMessage m : relay.sink.messages()) {
        if (m.text().contains(text)) {
          return m;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("nothing with \"" + text + "\" arrived");
  }
}

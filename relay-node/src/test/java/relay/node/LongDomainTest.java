package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.IDN;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import relay.testing.SmtpSink;

/**
 * Recipient domains as long as RCPT lets them be are delivered, whatever the spool and the
 * journal do with names (a file name holds 255 octets, the journal's persistence_id 255
 * characters); longer ones are refused at RCPT. Never a 451 loop.
 *
 * <p>The longest domain a recipient can have is 252 octets: the path {@code <a@domain>} is at
 * most 256 octets (RFC 5321 4.5.3.1.3), so a 253-octet domain (the DNS maximum, RFC 1035 2.3.4)
 * never fits in one. In ASCII such a path is refused as syntax (501 5.5.2); written in U-labels
 * (SMTPUTF8) it fits as written but not once converted to the A-labels it is sent with, and is
 * refused with 553 5.1.3 (before, it was accepted and every delivery attempt failed).
 */
class LongDomainTest {

  /** 252 octets: labels of 63, 63, 63 and 60. */
  private static final String LONGEST_ASCII = label('a', 63) + "." + label('b', 63) + "."
      + label('c', 63) + "." + label('d', 60);

  @Test
  void theLongestDomainsDeliverThroughTheFileSpool() throws Exception {
    deliverLongDomains(null);
  }

  @Test
  void theLongestDomainsDeliverThroughTheDatabaseSpool() throws Exception {
    deliverLongDomains("relay.storage.spool = database");
  }

  private static void deliverLongDomains(String storage) throws Exception {
    assertEquals(252, LONGEST_ASCII.length());
    ULabelDomain idn = uLabelDomain(252);
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2);
        SmtpSink utf8Sink = SmtpSink.builder().bind("127.0.0.4", relay.sink.port())
            .smtpUtf8(true).start()) {
      relay.dns.mx(LONGEST_ASCII, 10, "mx.dest.test");
      relay.dns.mx(idn.ascii(), 10, "mx.utf8.test").a("mx.utf8.test", "127.0.0.4");
      // a sub-queue number makes the entity id longer still
      relay.with("relay.queue.shaping.domains { \"" + idn.ascii() + "\" { sub-queues = 3 } }");
      if (storage != null) {
        relay.with(storage);
      }
      relay.start();

      try (SmtpDialog smtp = SmtpDialog.connect(relay.smtp())) {
        smtp.reply();
        smtp.command("EHLO app.client.test");
        assertTrue(smtp.command("MAIL FROM:<owner@sender.test>").startsWith("250"));
        assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<a@" + LONGEST_ASCII + ">"));
        assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<b@dest.test>"));
        assertTrue(smtp.command("DATA").startsWith("354"));
        String reply = smtp.send("Subject: long ascii\r\n\r\nbody\r\n.\r\n").reply();
        assertTrue(reply.startsWith("250 2.0.0"), reply);

        assertTrue(smtp.command("MAIL FROM:<owner@sender.test> SMTPUTF8").startsWith("250"));
        assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<c@" + idn.unicode() + ">"));
        assertTrue(smtp.command("DATA").startsWith("354"));
        reply = smtp.send("Subject: long idn\r\n\r\nbody\r\n.\r\n").reply();
        assertTrue(reply.startsWith("250 2.0.0"), reply);
        smtp.command("QUIT");
      }

      assertTrue(relay.sink.awaitMessages(2, Duration.ofSeconds(20)),
          "both domains of the first message delivered: " + relay.sink.messageCount());
      assertTrue(relay.sink.messages().stream()
          .anyMatch(m -> m.recipients().equals(List.of("a@" + LONGEST_ASCII))));
      assertTrue(utf8Sink.awaitMessages(1, Duration.ofSeconds(20)), "the 252-octet A-label domain too");
      assertEquals(List.of("c@" + idn.ascii()), utf8Sink.messages().get(0).recipients());
      if (storage == null) {
        assertEquals(0, QueueLimitTest.spooledFiles(relay), "no body, link or sidecar left");
      }
    }
  }

  @Test
  void longerDomainsAreRefusedAtRcpt() throws Exception {
    String ascii253 = LONGEST_ASCII + "d";
    ULabelDomain idn253 = uLabelDomain(253);
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.start();
      try (SmtpDialog smtp = SmtpDialog.connect(relay.smtp())) {
        smtp.reply();
        smtp.command("EHLO app.client.test");
        assertTrue(smtp.command("MAIL FROM:<owner@sender.test> SMTPUTF8").startsWith("250"));
        assertEquals("501 5.5.2 Bad recipient address syntax",
            smtp.command("RCPT TO:<a@" + ascii253 + ">"), "a path of 257 octets");
        assertEquals("553 5.1.3 Bad recipient domain: not a valid domain name",
            smtp.command("RCPT TO:<a@" + idn253.unicode() + ">"),
            "253 octets in A-labels: a path of 257");
        assertEquals("553 5.1.3 Bad recipient domain: not a valid domain name",
            smtp.command("RCPT TO:<a@" + uLabelDomain(254).unicode() + ">"),
            "254 octets in A-labels: no DNS name");
        smtp.command("QUIT");
      }
    }
  }

  private static String label(char c, int length) {
    return String.valueOf(c).repeat(length);
  }

  /** A domain with a U-label whose A-label form has {@code octets} octets in all. */
  private record ULabelDomain(String unicode, String ascii) {}

  private static ULabelDomain uLabelDomain(int octets) {
    String head = label('e', 63) + "." + label('f', 63) + "." + label('g', 63) + ".";
    for (int k = 1; k < 62; k++) {
      String u = "\u00fc" + label('h', k);
      String a = IDN.toASCII(u);
      if (head.length() + a.length() == octets) {
        return new ULabelDomain(head + u, head + a);
      }
    }
    throw new AssertionError("no U-label gives " + octets + " octets");
  }
}

package relay.protocol.reply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import relay.protocol.reply.DeliveryReplies.DnsTrouble;
import relay.protocol.reply.DeliveryReplies.NetworkFailure;
import relay.protocol.reply.DeliveryReplies.Step;

/**
 * The outbound catalogue as a table: every factory's code and enhanced code (RFC 3463), its text
 * for one set of parameters, and that whatever the parameters, no reply carries a line break or
 * a non-printable character (host names come from DNS, reply texts from servers).
 */
class DeliveryRepliesTest {

  private static final InetSocketAddress MX = new InetSocketAddress("192.0.2.7", 25);

  @Test
  void everyReplyOfTheCatalogue() {
    Map<SmtpReply, String> table = Map.ofEntries(
        Map.entry(DeliveryReplies.connectFailed("mx.d.test", MX, NetworkFailure.REFUSED),
            "451 4.4.1 Connection to mx.d.test[192.0.2.7]:25 failed: connection refused"),
        Map.entry(DeliveryReplies.timedOutWaiting("mx.d.test", MX, Step.GREETING),
            "451 4.4.2 Conversation with mx.d.test[192.0.2.7]:25 timed out waiting for the greeting"),
        Map.entry(DeliveryReplies.timedOutSending("mx.d.test", MX, Step.END_OF_DATA),
            "451 4.4.2 Conversation with mx.d.test[192.0.2.7]:25 timed out sending message data"),
        Map.entry(DeliveryReplies.attemptTimeLimit("mx.d.test", MX, Step.RCPT),
            "451 4.4.2 Delivery attempt to mx.d.test[192.0.2.7]:25 exceeded its time limit waiting for the reply"
                + " to RCPT TO"),
        Map.entry(DeliveryReplies.attemptTimeLimit("d.test"),
            "451 4.4.2 Delivery attempt for d.test exceeded its time limit"),
        Map.entry(DeliveryReplies.connectionLost("mx.d.test", MX, Step.MAIL, false, NetworkFailure.RESET),
            "451 4.4.2 Connection with mx.d.test[192.0.2.7]:25 lost waiting for the reply to MAIL FROM:"
                + " connection reset"),
        Map.entry(DeliveryReplies.protocolError("mx.d.test", MX, Step.EHLO),
            "451 4.5.0 Protocol error from mx.d.test[192.0.2.7]:25 in the reply to EHLO"),
        Map.entry(DeliveryReplies.unexpectedReply("mx.d.test", MX, 250, Step.DATA),
            "451 4.5.0 Protocol error from mx.d.test[192.0.2.7]:25: unexpected reply 250 instead of the reply to DATA"),
        Map.entry(DeliveryReplies.resetRefused("mx.d.test", MX, 550),
            "451 4.4.0 mx.d.test[192.0.2.7]:25 refused RSET with reply 550"),
        Map.entry(DeliveryReplies.connectionClosed("mx.d.test", MX),
            "451 4.4.2 Connection to mx.d.test[192.0.2.7]:25 is closed"),
        Map.entry(DeliveryReplies.messageUnreadable(), "451 4.3.0 Local error reading the message"),
        Map.entry(DeliveryReplies.needsSmtputf8("mx.d.test"),
            "553 5.6.7 Message needs SMTPUTF8 but mx.d.test does not support it"),
        Map.entry(DeliveryReplies.needs8bitmime("mx.d.test"),
            "554 5.6.3 Message has 8-bit content but mx.d.test does not support 8BITMIME"),
        Map.entry(DeliveryReplies.tooBigFor("mx.d.test", 2000, 1000),
            "552 5.3.4 Message size 2000 exceeds the limit of 1000 bytes at mx.d.test"),
        Map.entry(DeliveryReplies.noMailExchangerReachable("d.test"), "451 4.4.1 No mail exchanger of d.test reachable"),
        Map.entry(DeliveryReplies.allMailExchangersRefused("d.test", SmtpReply.of(554, "5.7.1", "go away")),
            "451 4.4.1 All mail exchangers of d.test refused the connection, the last with 554 5.7.1 go away"),
        Map.entry(DeliveryReplies.destinationNotResponding("d.test"),
            "451 4.4.1 d.test is not responding; delivery deferred"),
        Map.entry(DeliveryReplies.unroutable("d.test"),
            "554 5.4.4 No usable mail exchanger for d.test: its addresses are local, reserved or this relay's own"),
        Map.entry(DeliveryReplies.loopsBackToMyself("d.test"), "554 5.4.6 Mail for d.test loops back to myself"),
        Map.entry(DeliveryReplies.nullMx(), "556 5.1.10 Recipient address has null MX"),
        Map.entry(DeliveryReplies.noSuchDomain(), "550 5.1.2 Recipient domain not found"),
        Map.entry(DeliveryReplies.noMailHost(), "550 5.1.2 Recipient domain has no mail host"),
        Map.entry(DeliveryReplies.dnsTemporaryFailure(DnsTrouble.TIMEOUT),
            "451 4.4.3 Temporary DNS failure: DNS lookup timed out"),
        Map.entry(DeliveryReplies.connectionLostBeforeTransaction(), "451 4.4.2 Connection lost before this transaction"),
        Map.entry(DeliveryReplies.spoolLost(), "554 5.3.0 Message body lost from the relay's spool"),
        Map.entry(DeliveryReplies.spoolUnreadable(), "451 4.3.0 Message body temporarily unreadable"),
        Map.entry(DeliveryReplies.internalError(), "451 4.3.0 Internal error during delivery"),
        Map.entry(DeliveryReplies.workerLost(), "451 4.3.0 Delivery worker stopped during the attempt"),
        Map.entry(DeliveryReplies.noResult(), "451 4.4.0 No result for this recipient from the delivery attempt"));
    table.forEach((reply, expected) -> {
      assertEquals(expected, reply.summary());
      assertEquals(reply.code() / 100, reply.enhanced().charAt(0) - '0', "class of " + expected);
      assertEquals(1, reply.lines().size());
    });
  }

  @Test
  void hostNamesAndServerTextsAreReducedToPrintableAscii() {
    String evil = "mx.d.test\r\n250 ok\u0000\u00e9";
    List<SmtpReply> replies = List.of(
        DeliveryReplies.connectFailed(evil, MX, NetworkFailure.OTHER),
        DeliveryReplies.needsSmtputf8(evil),
        DeliveryReplies.unroutable(evil),
        DeliveryReplies.loopsBackToMyself(evil),
        DeliveryReplies.allMailExchangersRefused("d.test", SmtpReply.of(554, "", evil)),
        DeliveryReplies.destinationNotResponding("x".repeat(1000)));
    for (SmtpReply reply : replies) {
      String line = reply.lines().get(0);
      assertTrue(line.chars().allMatch(c -> c >= 0x20 && c <= 0x7e), line);
      assertTrue(line.length() < 400, "bounded: " + line.length());
    }
    assertTrue(replies.get(0).lines().get(0).contains("mx.d.test??250 ok??"), replies.get(0).summary());
  }
}

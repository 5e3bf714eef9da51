package relay.protocol.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import relay.protocol.reply.SmtpReply;
import relay.testing.GeneratedContent;
import relay.testing.ReceivedMessage;
import relay.testing.SmtpSink;

class SmtpClientConnectionTest {

  private static final ClientSettings SETTINGS =
      ClientSettings.defaults().withHeloName("relay.test").withReplyTimeouts(Duration.ofSeconds(5));
  private static final String MESSAGE = "Subject: hello\r\n\r\nBody line\r\n";

  private SmtpSink sink;

  @AfterEach
  void stopSink() {
    if (sink != null) {
      sink.close();
    }
  }

  private SmtpClientConnection open(ClientSettings settings) throws SmtpClientException {
    return SmtpClientConnection.open(sink.address(), "mx.sink.test", settings);
  }

  private static OutboundEnvelope envelope(String from, String... recipients) {
    return new OutboundEnvelope(from, List.of(recipients), MESSAGE.length(), false, false);
  }

  private static InputStream content(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String codes(List<SmtpReply> replies) {
    return String.join(",", replies.stream().map(r -> r.code() + " " + r.enhanced()).toList());
  }

  @Test
  void pipelinedTransactionGoesInOneGroupAndIsDelivered() throws Exception {
    sink = SmtpSink.builder().bind("127.0.0.2", 0).start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      assertTrue(c.capabilities().pipelining());
      assertTrue(c.capabilities().enhancedStatusCodes());

      TransactionResult result = c.send(envelope("sender@origin.test", "a@dest.test", "b@dest.test"), content(MESSAGE));

      assertEquals("250 2.0.0,250 2.0.0", codes(result.outcomes()));
      assertEquals(250, result.mailReply().code());
      c.quit();
    }
    ReceivedMessage got = sink.messages().get(0);
    assertEquals("sender@origin.test", got.mailFrom());
    assertEquals(List.of("a@dest.test", "b@dest.test"), got.recipients());
    assertEquals(MESSAGE, got.text());
    assertEquals("EHLO relay.test", got.helo());
    assertEquals("SIZE=" + MESSAGE.length(), got.mailParameters());
    assertEquals(1, sink.pipelinedGroups(), "MAIL, RCPT, RCPT, DATA arrived together");
  }

  @Test
  void withoutPipeliningEachCommandWaitsForItsReply() throws Exception {
    sink = SmtpSink.builder().pipelining(false).start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      assertFalse(c.capabilities().pipelining());

      TransactionResult result = c.send(envelope("s@o.test", "a@d.test", "b@d.test"), content(MESSAGE));

      assertTrue(result.delivered(0) && result.delivered(1));
    }
    assertEquals(0, sink.pipelinedGroups());
    assertEquals(1, sink.messageCount());
  }

  @Test
  void ehloRefusedFallsBackToHelo() throws Exception {
    sink = SmtpSink.builder().refuseEhlo(true).start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      assertFalse(c.capabilities().esmtp());

      assertTrue(c.send(envelope("s@o.test", "a@d.test"), content(MESSAGE)).delivered(0));
    }
    ReceivedMessage got = sink.messages().get(0);
    assertEquals("HELO relay.test", got.helo());
    assertEquals("", got.mailParameters(), "no SIZE= after HELO");
  }

  @ParameterizedTest(name = "pipelining={0}")
  @ValueSource(booleans = {true, false})
  void eachRecipientGetsItsOwnReply(boolean pipelining) throws Exception {
    sink = SmtpSink.builder().pipelining(pipelining).start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      TransactionResult result = c.send(
          envelope("s@o.test", "ok@d.test", "tempfail-x@d.test", "reject-y@d.test"), content(MESSAGE));

      assertEquals("250 2.0.0,451 4.3.0,550 5.1.1", codes(result.outcomes()));
      assertTrue(result.outcome(1).isTransient());
      assertTrue(result.outcome(2).isPermanent());
    }
    assertEquals(List.of("ok@d.test"), sink.messages().get(0).recipients());
  }

  @ParameterizedTest(name = "pipelining={0}")
  @ValueSource(booleans = {true, false})
  void noAcceptedRecipientMeansNoDataAndTheConnectionStaysUsable(boolean pipelining) throws Exception {
    sink = SmtpSink.builder().pipelining(pipelining).start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      TransactionResult refused = c.send(envelope("s@o.test", "reject-a@d.test", "tempfail-b@d.test"), content(MESSAGE));

      assertEquals(Optional.empty(), refused.dataReply());
      assertEquals("550 5.1.1,451 4.3.0", codes(refused.outcomes()));
      assertTrue(c.isUsable());
      assertTrue(sink.commands().contains("RSET"));

      assertTrue(c.send(envelope("s@o.test", "fine@d.test"), content(MESSAGE)).delivered(0));
    }
    assertEquals(1, sink.messageCount());
  }

  @ParameterizedTest(name = "pipelining={0}")
  @ValueSource(booleans = {true, false})
  void refusedSenderGivesEveryRecipientTheMailReply(boolean pipelining) throws Exception {
    sink = SmtpSink.builder().pipelining(pipelining).start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      TransactionResult result = c.send(envelope("reject-me@o.test", "a@d.test", "b@d.test"), content(MESSAGE));

      assertEquals("550 5.7.1", result.mailReply().code() + " " + result.mailReply().enhanced());
      assertEquals("550 5.7.1,550 5.7.1", codes(result.outcomes()));
      assertEquals(Optional.empty(), result.dataReply());
      assertTrue(c.send(envelope("ok@o.test", "a@d.test"), content(MESSAGE)).delivered(0));
    }
  }

  @Test
  void refusalAfterDataAppliesToEveryAcceptedRecipient() throws Exception {
    sink = SmtpSink.start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      TransactionResult failed = c.send(envelope("s@o.test", "a@d.test", "datafail-b@d.test"), content(MESSAGE));
      TransactionResult deferred = c.send(envelope("s@o.test", "datatemp-c@d.test", "reject-d@d.test"),
          content(MESSAGE));

      assertEquals("554 5.6.0,554 5.6.0", codes(failed.outcomes()));
      assertEquals("451 4.3.0,550 5.1.1", codes(deferred.outcomes()));
      assertTrue(c.isUsable());
    }
    assertEquals(0, sink.messageCount());
    assertEquals(2, sink.refusedTransactions());
  }

  @Test
  void resetThenASecondMessageOnTheSameConnection() throws Exception {
    sink = SmtpSink.start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      assertTrue(c.send(envelope("s@o.test", "a@d.test"), content(MESSAGE)).delivered(0));
      c.reset();
      assertTrue(c.send(envelope("s@o.test", "b@d.test"), content("Subject: two\r\n\r\nx\r\n")).delivered(0));
      assertEquals(2, c.messagesSent());
    }
    assertEquals(2, sink.maxMessagesPerConnection());
    assertEquals(1, sink.totalConnections());
    assertEquals(sink.messages().get(0).connection(), sink.messages().get(1).connection());
  }

  @ParameterizedTest(name = "pipelining={0}")
  @ValueSource(booleans = {true, false})
  void rsetBetweenMessagesLeadsTheNextCommandGroupWhenPipelining(boolean pipelining)
      throws Exception {
    sink = SmtpSink.builder().pipelining(pipelining).start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      assertTrue(c.send(envelope("s@o.test", "a@d.test"), content(MESSAGE)).delivered(0));
      c.reset();
      assertTrue(c.send(envelope("t@o.test", "b@d.test"), content(MESSAGE)).delivered(0));
    }
    List<String> commands = sink.commands();
    int rset = commands.indexOf("RSET");
    assertTrue(rset > 0, "RSET between the messages: " + commands);
    assertTrue(commands.get(rset + 1).startsWith("MAIL FROM:<t@o.test>"));
    assertEquals(pipelining ? 1 : 0, sink.pipelinedResets(),
        "with PIPELINING, RSET and the next MAIL arrive together (no round trip of its own)");
    assertEquals(2, sink.messageCount());
  }

  @ParameterizedTest(name = "pipelining={0}")
  @ValueSource(booleans = {true, false})
  void aRefusedRsetClosesTheConnectionWithATransientFailure(boolean pipelining)
      throws Exception {
    sink = SmtpSink.builder().pipelining(pipelining).refuseRset(true).start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      assertTrue(c.send(envelope("s@o.test", "a@d.test"), content(MESSAGE)).delivered(0));
      SmtpClientException e = assertThrows(SmtpClientException.class, () -> {
        c.reset();
        c.send(envelope("s@o.test", "b@d.test"), content(MESSAGE));
      });
      assertTrue(e.reply().isTransient(), "never a bounce: " + e.reply());
      assertTrue(e.reply().summary().contains("refused RSET"), e.reply().summary());
      assertFalse(c.isUsable());
    }
    assertEquals(1, sink.messageCount(), "the second message was never sent");
  }

  @Test
  void linesStartingWithADotSurviveTheRoundTrip() throws Exception {
    sink = SmtpSink.start();
    String tricky = "Subject: dots\r\n\r\n.\r\n..\r\n.hidden\r\nnot.a.dot\r\n...three\r\n.";
    try (SmtpClientConnection c = open(SETTINGS)) {
      assertTrue(c.send(envelope("s@o.test", "a@d.test"), content(tricky)).delivered(0));
      assertTrue(c.send(envelope("s@o.test", "a@d.test"), content("no final newline")).delivered(0));
    }
    assertEquals(tricky + "\r\n", sink.messages().get(0).text(), "CRLF added after a last line without one");
    assertEquals("no final newline\r\n", sink.messages().get(1).text());
  }

  @Test
  void largeMessageStreamsThrough() throws Exception {
    sink = SmtpSink.start();
    byte[] big = new byte[3 * 1024 * 1024];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i % 100 == 98 ? '\r' : i % 100 == 99 ? '\n' : i % 100 == 0 ? '.' : 'a' + i % 26);
    }
    big[big.length - 2] = '\r';
    big[big.length - 1] = '\n';
    try (SmtpClientConnection c = open(SETTINGS)) {
      assertTrue(c.send(new OutboundEnvelope("s@o.test", List.of("a@d.test"), big.length, false, false),
          new ByteArrayInputStream(big)).delivered(0));
    }
    assertArrayEquals(big, sink.messages().get(0).data());
  }

  @Test
  void greeting421RefusesTheConnection() throws Exception {
    sink = SmtpSink.start();
    sink.greeting421(true);

    SmtpClientException e = assertThrows(SmtpClientException.class, () -> open(SETTINGS));

    assertEquals(421, e.reply().code());
    assertTrue(e.reply().isTransient());
    assertTrue(e.isConnectionLevel());
    assertTrue(e.isFromServer());
  }

  @Test
  void refusedConnectIs451AndWorksAgainWhenTheSinkIsBackUp() throws Exception {
    sink = SmtpSink.start();
    sink.down();

    SmtpClientException e = assertThrows(SmtpClientException.class, () -> open(SETTINGS));
    assertEquals("451 4.4.1", e.reply().code() + " " + e.reply().enhanced());
    assertTrue(e.reply().lines().get(0).startsWith("Connection to mx.sink.test[127.0.0.1]:" + sink.port() + " failed"),
        e.reply().summary());
    assertFalse(e.isFromServer());

    sink.up();
    try (SmtpClientConnection c = open(SETTINGS)) {
      assertTrue(c.send(envelope("s@o.test", "a@d.test"), content(MESSAGE)).delivered(0));
    }
  }

  @Test
  void slowGreetingTimesOut() throws Exception {
    sink = SmtpSink.start();
    sink.slow(Duration.ofMillis(1500));

    SmtpClientException e = assertThrows(SmtpClientException.class,
        () -> open(SETTINGS.withReplyTimeouts(Duration.ofMillis(200))));

    assertEquals("451 4.4.2", e.reply().code() + " " + e.reply().enhanced());
    assertTrue(e.reply().lines().get(0).contains("timed out waiting for the greeting"), e.reply().summary());
  }

  @Test
  void missingReplyAfterTheDataTimesOutAndClosesTheConnection() throws Exception {
    sink = SmtpSink.start();
    try (SmtpClientConnection c = open(SETTINGS.withReplyTimeouts(Duration.ofMillis(300)))) {
      SmtpClientException e = assertThrows(SmtpClientException.class,
          () -> c.send(envelope("s@o.test", "hang-a@d.test"), content(MESSAGE)));

      assertEquals("451 4.4.2", e.reply().code() + " " + e.reply().enhanced());
      assertTrue(e.reply().lines().get(0).contains("after end of data"), e.reply().summary());
      assertFalse(c.isUsable());
    }
  }

  @Test
  void serverThatStopsReadingTripsTheWriteTimeout() throws Exception {
    sink = SmtpSink.start();
    InputStream endless = GeneratedContent.xs(256L * 1024 * 1024);
    try (SmtpClientConnection c = open(SETTINGS.withReplyTimeouts(Duration.ofMillis(300)))) {
      SmtpClientException e = assertThrows(SmtpClientException.class,
          () -> c.send(envelope("s@o.test", "stall-a@d.test"), endless));

      assertEquals("451 4.4.2", e.reply().code() + " " + e.reply().enhanced());
      assertTrue(e.reply().lines().get(0).contains("timed out sending message data"), e.reply().summary());
      assertTrue(e.isConnectionLevel());
    }
  }

  @Test
  void reply421MidTransactionEndsItAndMarksTheConnectionUnusable() throws Exception {
    sink = SmtpSink.start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      TransactionResult result = c.send(envelope("s@o.test", "reject-a@d.test", "b@d.test", "shutdown-c@d.test",
          "d@d.test"), content(MESSAGE));

      assertEquals("550 5.1.1,421 4.3.2,421 4.3.2,421 4.3.2", codes(result.outcomes()));
      assertFalse(c.isUsable());
      SmtpClientException next = assertThrows(SmtpClientException.class,
          () -> c.send(envelope("s@o.test", "a@d.test"), content(MESSAGE)));
      assertEquals(421, next.reply().code());
    }
    assertEquals(0, sink.messageCount());
  }

  @Test
  void droppedConnectionIsALostConnection() throws Exception {
    sink = SmtpSink.start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      SmtpClientException e = assertThrows(SmtpClientException.class,
          () -> c.send(envelope("s@o.test", "disconnect-a@d.test"), content(MESSAGE)));

      assertEquals("451 4.4.2", e.reply().code() + " " + e.reply().enhanced());
      assertTrue(e.reply().lines().get(0).contains("lost"), e.reply().summary());
      assertFalse(c.isUsable());
    }
  }

  @Test
  void eightBitContentIsNotSentToAServerWithout8bitmime() throws Exception {
    sink = SmtpSink.builder().eightBitMime(false).start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      TransactionResult result = c.send(new OutboundEnvelope("s@o.test", List.of("a@d.test", "b@d.test"), 10,
          true, false), content("Subject: caf\u00e9\r\n\r\n\u00e9\r\n"));

      assertEquals("554 5.6.3,554 5.6.3", codes(result.outcomes()));
      assertTrue(c.isUsable());
    }
    assertTrue(sink.commands().stream().noneMatch(l -> l.startsWith("MAIL")));
  }

  @Test
  void smtputf8MessageNeedsTheExtension() throws Exception {
    sink = SmtpSink.start();
    OutboundEnvelope utf8 = new OutboundEnvelope("s@o.test", List.of("j\u00f6rg@d.test"), 10, true, true);
    try (SmtpClientConnection c = open(SETTINGS)) {
      assertEquals("553 5.6.7", codes(c.send(utf8, content(MESSAGE)).outcomes()));
    }
    sink.close();

    sink = SmtpSink.builder().smtpUtf8(true).start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      assertTrue(c.send(utf8, content("Subject: \u00e9\r\n\r\nx\r\n")).delivered(0));
    }
    ReceivedMessage got = sink.messages().get(0);
    assertEquals(List.of("j\u00f6rg@d.test"), got.recipients());
    assertEquals("SIZE=10 BODY=8BITMIME SMTPUTF8", got.mailParameters());
  }

  @Test
  void messageAboveTheAdvertisedSizeIsRefusedBeforeSending() throws Exception {
    sink = SmtpSink.builder().size(100).start();
    try (SmtpClientConnection c = open(SETTINGS)) {
      assertEquals(100, c.capabilities().maxSize());

      TransactionResult result = c.send(new OutboundEnvelope("s@o.test", List.of("a@d.test"), 1000, false, false),
          content(MESSAGE));

      assertEquals("552 5.3.4", codes(result.outcomes()));
    }
    assertEquals(0, sink.messageCount());
  }

  @Test
  void failingMessageSourceAbortsWithoutDeliveringAPartialMessage() throws Exception {
    sink = SmtpSink.start();
    InputStream broken = new InputStream() {
      private int sent;

      @Override
      public int read() throws IOException {
        if (sent++ < 20) {
          return 'a';
        }
        throw new IOException("spool read failed");
      }
    };
    try (SmtpClientConnection c = open(SETTINGS)) {
      SmtpClientException e = assertThrows(SmtpClientException.class,
          () -> c.send(envelope("s@o.test", "a@d.test"), broken));

      assertFalse(e.isConnectionLevel(), "a local failure, not the remote host's");
      assertEquals(451, e.reply().code());
      assertFalse(c.isUsable());
    }
    Thread.sleep(100);
    assertEquals(0, sink.messageCount());
  }

  @Test
  void sendAfterCloseIsRefused() throws Exception {
    sink = SmtpSink.start();
    SmtpClientConnection c = open(SETTINGS);
    c.quit();

    assertFalse(c.isUsable());
    SmtpClientException e = assertThrows(SmtpClientException.class,
        () -> c.send(envelope("s@o.test", "a@d.test"), content(MESSAGE)));
    assertEquals(451, e.reply().code());
    assertTrue(sink.commands().contains("QUIT"));
  }

  @Test
  void envelopeRejectsCommandInjection() {
    assertThrows(IllegalArgumentException.class,
        () -> new OutboundEnvelope("s@o.test", List.of("a@d.test>\r\nRCPT TO:<b@d.test"), 1, false, false));
    assertThrows(IllegalArgumentException.class, () -> new OutboundEnvelope("s@o.test", List.of(), 1, false, false));
  }

  @Test
  void connectTimeoutToAnUnreachableAddressIs451() {
    // 192.0.2.0/24 is TEST-NET-1: packets go nowhere, so the connect times out or is refused.
    ClientSettings quick = new ClientSettings("relay.test", 25, Duration.ofMillis(200), Duration.ofSeconds(1),
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofSeconds(5), 4096, 200, 65536);
    assertEquals(25, ClientSettings.defaults().port());
    assertThrows(IllegalArgumentException.class, () -> quick.withPort(0));

    SmtpClientException e = assertThrows(SmtpClientException.class,
        () -> SmtpClientConnection.open(new InetSocketAddress("192.0.2.1", 25), "mx.unreachable.test", quick));

    assertEquals("451 4.4.1", e.reply().code() + " " + e.reply().enhanced());
  }
}

package relay.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import relay.testing.GeneratedContent;
import relay.testing.HostileServer;

/**
 * The client against hostile servers over real sockets: every reply has a deadline however its
 * bytes trickle in, and every attempt ends by its own deadline, whether the time goes on replies
 * that each come in time, on the data transfer, or on connecting to a black hole. A greeting or
 * EHLO reply with one of the relay's names is a loop. Each case asserts the reply and the time it
 * took, within bounds generous enough for a loaded machine.
 */
class OutboundBoundsTest {

  private static final ClientSettings BASE = ClientSettings.defaults().withHeloName("relay.test");

  /** Reply timeouts of 5 s, attempts of a minute, and this connect timeout. */
  private static ClientSettings connectTimeout(Duration connect) {
    Duration five = Duration.ofSeconds(5);
    return new ClientSettings("relay.test", 25, connect, five, five, five, five, five, five, five, five, five,
        Duration.ofMinutes(1), 4096, 200, 65536);
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static OutboundEnvelope envelope(int recipients, long size) {
    List<String> to = new ArrayList<>();
    for (int i = 0; i < recipients; i++) {
      to.add("r" + i + "@d.test");
    }
    return new OutboundEnvelope("s@o.test", to, size, false, false);
  }

  @Test
  void aGreetingDrippedOneByteAtATimeIsCutOffAtTheReplyDeadline() throws Exception {
    // One byte every 100 ms: each read returns long before the 1 s timeout, so a per-read
    // socket timeout would wait for ever; the reply's deadline ends it after 1 s.
    try (HostileServer drip = HostileServer.drippingGreeting("127.0.0.1", 0, Duration.ofMillis(100))) {
      ClientSettings settings = BASE.withReplyTimeouts(Duration.ofSeconds(1)).withAttemptTimeout(Duration.ofMinutes(1));
      long start = System.nanoTime();
      SmtpClientException e = assertThrows(SmtpClientException.class,
          () -> SmtpClientConnection.open(drip.address(), "mx.drip.test", settings));
      long took = millisSince(start);

      assertEquals(SmtpClientException.Kind.TIMED_OUT, e.kind());
      assertEquals("451 4.4.2", e.reply().code() + " " + e.reply().enhanced());
      assertTrue(e.reply().lines().get(0).endsWith("timed out waiting for the greeting"), e.reply().summary());
      assertTrue(took >= 950 && took < 4000, "cut off after " + took + " ms (reply timeout 1000 ms)");
    }
  }

  @Test
  void aReplyToMailDrippedAfterAPromptEhloIsCutOffToo() throws Exception {
    try (HostileServer drip = HostileServer.drippingAfterEhlo("127.0.0.1", 0, Duration.ofMillis(100))) {
      ClientSettings settings = BASE.withReplyTimeouts(Duration.ofMillis(800)).withAttemptTimeout(Duration.ofMinutes(1));
      SmtpClientConnection c = SmtpClientConnection.open(drip.address(), "mx.drip.test", settings);
      long start = System.nanoTime();
      SmtpClientException e = assertThrows(SmtpClientException.class,
          () -> c.send(envelope(1, 10), new ByteArrayInputStream("x\r\n".getBytes(StandardCharsets.US_ASCII))));
      long took = millisSince(start);

      assertEquals(SmtpClientException.Kind.TIMED_OUT, e.kind());
      assertTrue(e.reply().lines().get(0).endsWith("timed out waiting for the reply to MAIL FROM"), e.reply().summary());
      assertTrue(took >= 750 && took < 4000, "cut off after " + took + " ms (reply timeout 800 ms)");
      assertTrue(!c.isUsable());
    }
  }

  @Test
  void repliesThatEachComeInTimeStillEndAtTheAttemptDeadline() throws Exception {
    // 250 ms per reply, well within the 5 s reply timeouts; 20 recipients without PIPELINING
    // would take over 5 s, the attempt has 1.5 s.
    try (HostileServer slow = HostileServer.slowReplies("127.0.0.1", 0, Duration.ofMillis(250))) {
      ClientSettings settings = BASE.withReplyTimeouts(Duration.ofSeconds(5));
      long start = System.nanoTime();
      Deadline attempt = Deadline.after(Duration.ofMillis(1500));
      SmtpClientConnection c = SmtpClientConnection.open(slow.address(), "mx.slow.test", settings, attempt, Set.of());
      SmtpClientException e = assertThrows(SmtpClientException.class,
          () -> c.send(envelope(20, 10), new ByteArrayInputStream("x\r\n".getBytes(StandardCharsets.US_ASCII)),
              attempt));
      long took = millisSince(start);

      assertEquals(SmtpClientException.Kind.ATTEMPT_EXPIRED, e.kind());
      assertTrue(e.isTimeout());
      assertEquals("451 4.4.2", e.reply().code() + " " + e.reply().enhanced());
      assertTrue(e.reply().lines().get(0).contains("exceeded its time limit waiting for the reply to RCPT TO"),
          e.reply().summary());
      assertTrue(took >= 1450 && took < 4500, "attempt ended after " + took + " ms (deadline 1500 ms)");
    }
  }

  @Test
  void aServerReadingTheDataSlowlyIsCutOffAtTheAttemptDeadline() throws Exception {
    // 4 KiB every 50 ms = 80 KiB/s: no single write blocks for the 20 s data-block timeout once
    // the socket buffers are full, yet 64 MiB would take minutes. The attempt has 2 s.
    try (HostileServer slow = HostileServer.slowReader("127.0.0.1", 0, 4096, Duration.ofMillis(50))) {
      ClientSettings settings = BASE.withReplyTimeouts(Duration.ofSeconds(20));
      long size = 64L * 1024 * 1024;
      long start = System.nanoTime();
      Deadline attempt = Deadline.after(Duration.ofSeconds(2));
      SmtpClientConnection c = SmtpClientConnection.open(slow.address(), "mx.slow.test", settings, attempt, Set.of());
      SmtpClientException e = assertThrows(SmtpClientException.class,
          () -> c.send(new OutboundEnvelope("s@o.test", List.of("a@d.test"), size, false, false), GeneratedContent.xs(size),
              attempt));
      long took = millisSince(start);

      assertEquals(SmtpClientException.Kind.ATTEMPT_EXPIRED, e.kind());
      assertTrue(e.reply().lines().get(0).contains("exceeded its time limit"), e.reply().summary());
      assertTrue(took >= 1950 && took < 6000, "transfer cut off after " + took + " ms (deadline 2000 ms)");
    }
  }

  @Test
  void connectingToABlackHoleEndsAtTheAttemptDeadlineBeforeTheConnectTimeout() throws Exception {
    try (HostileServer hole = HostileServer.blackHole("127.0.0.1", 0)) {
      ClientSettings settings = connectTimeout(Duration.ofSeconds(20));
      long start = System.nanoTime();
      SmtpClientException e = assertThrows(SmtpClientException.class, () -> SmtpClientConnection.open(
          hole.address(), "mx.hole.test", settings, Deadline.after(Duration.ofMillis(700)), Set.of()));
      long took = millisSince(start);

      assertEquals(SmtpClientException.Kind.ATTEMPT_EXPIRED, e.kind());
      assertTrue(e.reply().lines().get(0).endsWith("exceeded its time limit connecting"), e.reply().summary());
      assertTrue(took >= 650 && took < 3000, "connect ended after " + took + " ms (deadline 700 ms)");

      SmtpClientException expired = assertThrows(SmtpClientException.class, () -> SmtpClientConnection.open(
          hole.address(), "mx.hole.test", settings, Deadline.after(Duration.ZERO), Set.of()));
      assertEquals(SmtpClientException.Kind.ATTEMPT_EXPIRED, expired.kind(), "no connect once the time is up");
    }
  }

  @Test
  void aConnectTimeoutShorterThanTheAttemptIsAConnectFailureByTimeout() throws Exception {
    try (HostileServer hole = HostileServer.blackHole("127.0.0.1", 0)) {
      ClientSettings settings = connectTimeout(Duration.ofMillis(300));
      SmtpClientException e = assertThrows(SmtpClientException.class,
          () -> SmtpClientConnection.open(hole.address(), "mx.hole.test", settings));

      assertEquals(SmtpClientException.Kind.TIMED_OUT, e.kind());
      assertEquals("451 4.4.1 Connection to mx.hole.test[127.0.0.1]:" + hole.port() + " failed: timed out",
          e.reply().summary());
    }
  }

  @Test
  void aGreetingWithOurOwnNameIsALoop() throws Exception {
    try (HostileServer us = HostileServer.named("127.0.0.1", 0, "Relay.Test", "relay.test")) {
      SmtpClientException e = assertThrows(SmtpClientException.class, () -> SmtpClientConnection.open(us.address(),
          "mx.loop.test", BASE, Deadline.after(Duration.ofSeconds(10)), Set.of("relay.test")));

      assertEquals(SmtpClientException.Kind.LOOP, e.kind());
      assertEquals("554 5.4.6 Mail for mx.loop.test loops back to myself", e.reply().summary());
    }
  }

  @Test
  void anEhloReplyWithOurOwnNameIsALoopAndOtherNamesAreNot() throws Exception {
    try (HostileServer us = HostileServer.named("127.0.0.1", 0, "front.example", "relay.test")) {
      SmtpClientException e = assertThrows(SmtpClientException.class, () -> SmtpClientConnection.open(us.address(),
          "mx.loop.test", BASE, Deadline.after(Duration.ofSeconds(10)), Set.of("relay.test")));
      assertEquals(SmtpClientException.Kind.LOOP, e.kind());
    }
    try (HostileServer other = HostileServer.named("127.0.0.1", 0, "mx.other.test", "mx.other.test");
        SmtpClientConnection c = SmtpClientConnection.open(other.address(), "mx.other.test", BASE,
            Deadline.after(Duration.ofSeconds(10)), Set.of("relay.test"))) {
      assertTrue(c.isUsable());
    }
  }
}

package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A blocked client over real sockets (RFC 5321 3.1): the 554 instead of the greeting, then 503
 * 5.5.1 to everything but QUIT, 221 to QUIT; the wait lasts one command-timeout in all however
 * many commands come, max-errors commands at most, and holds a place of the unidentified caps
 * (beyond them the 554 closes at once), given back however the connection ends.
 */
class ConnectRefusalOverSocketTest {

  private static final String REFUSED_503 =
      "503 5.5.1 Bad sequence of commands: connection refused, send QUIT";
  /** The operator blocked every address; the node's caps decorate it as in production. */
  private static final ClientPolicy BLOCK_ALL = (remote, local) ->
      CompletableFuture.completedFuture(new Admission.Refused(ClientIdentity.anonymous(
          remote.getAddress().getHostAddress()), Admission.Refusal.BLOCKED, "abuse report 42"));
  private static final String BLOCKED_554 = "554 5.7.1 relay.example Blocked: abuse report 42";

  private static ActorSystem system;

  @BeforeAll
  static void startSystem() {
    system = TestServer.newSystem("connect-refusal");
  }

  @AfterAll
  static void stopSystem() throws Exception {
    TestServer.stopSystem(system);
  }

  private static UnidentifiedLimits capped(SmtpServerSettings settings) {
    return new UnidentifiedLimits(BLOCK_ALL, settings.unidentified());
  }

  @Test
  void theBlockedClientIsAnswered503UntilItsQuit() throws Exception {
    SmtpServerSettings settings = TestSettings.defaults();
    UnidentifiedLimits policy = capped(settings);
    try (TestServer server = TestServer.start(system, settings, policy);
        SmtpTestClient c = SmtpTestClient.open(server.port())) {
      assertEquals(BLOCKED_554, c.reply());
      assertEquals(REFUSED_503, c.command("EHLO client.example"));
      assertEquals(REFUSED_503, c.command("MAIL FROM:<a@client.example>"));
      assertEquals(REFUSED_503, c.command("RCPT TO:<b@example.org>"));
      assertEquals(REFUSED_503, c.command("DATA"));
      assertEquals(1, policy.open("127.0.0.1"), "the wait holds a place");
      assertEquals("221 2.0.0 Bye", c.command("QUIT"));
      assertTrue(c.closedByServer());
      awaitOpen(policy, 0);
    }
  }

  @Test
  void theWaitLastsOneCommandTimeoutHoweverManyCommandsCome() throws Exception {
    SmtpServerSettings settings =
        TestSettings.with(Map.of("command-timeout", "2s", "max-errors", 100));
    try (TestServer server = TestServer.start(system, settings, capped(settings));
        SmtpTestClient c = SmtpTestClient.open(server.port())) {
      assertEquals(BLOCKED_554, c.reply());
      long start = System.nanoTime();
      String reply = REFUSED_503;
      while (reply.equals(REFUSED_503)) {
        Thread.sleep(300); // a command every 300 ms would reset a per-command deadline forever
        reply = c.command("NOOP");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("refused client sending NOOP every 300 ms: closed after %.2f s "
          + "(command-timeout 2 s)%n", seconds);
      assertEquals("421 4.4.2 relay.example Idle timeout, closing", reply);
      assertTrue(seconds >= 1.5 && seconds < 5, "closed after " + seconds + " s");
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void maxErrorsCommandsEndTheWait() throws Exception {
    SmtpServerSettings settings = TestSettings.with(Map.of("max-errors", 3));
    try (TestServer server = TestServer.start(system, settings, capped(settings));
        SmtpTestClient c = SmtpTestClient.open(server.port())) {
      assertEquals(BLOCKED_554, c.reply());
      // pipelined: the 554 was the first error, the third 503 goes beyond max-errors
      c.send("NOOP\r\nRSET\r\nEHLO x\r\nNOOP\r\nQUIT\r\n");
      assertEquals(List.of(REFUSED_503, REFUSED_503, REFUSED_503,
          "421 4.7.0 relay.example Too many errors, closing"), c.replies(4));
      assertTrue(c.closedByServer(), "nothing after the 421, not even to the QUIT");
    }
  }

  @Test
  void beyondItsShareABlockedAddressIsClosedRightAfterThe554() throws Exception {
    SmtpServerSettings settings =
        TestSettings.with(Map.of("unidentified.max-connections-per-address", 2));
    UnidentifiedLimits policy = capped(settings);
    try (TestServer server = TestServer.start(system, settings, policy)) {
      List<SmtpTestClient> waiting = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          SmtpTestClient c = SmtpTestClient.open(server.port());
          waiting.add(c);
          assertEquals(BLOCKED_554, c.reply());
        }
        try (SmtpTestClient third = SmtpTestClient.open(server.port())) {
          assertEquals(BLOCKED_554, third.reply());
          assertTrue(third.closedByServer(), "no place to wait: closed at once");
        }
        assertFalse(waiting.get(0).replyArrivesWithin(300), "the first two still wait");
        assertEquals(2, policy.open("127.0.0.1"));
        waiting.remove(0).close(); // gone without QUIT: its place comes back too
        awaitOpen(policy, 1);
        SmtpTestClient again = SmtpTestClient.open(server.port());
        waiting.add(again);
        assertEquals(BLOCKED_554, again.reply());
        assertEquals(REFUSED_503, again.command("NOOP"), "it waits again");
      } finally {
        for (SmtpTestClient c : waiting) {
          c.close();
        }
      }
      awaitOpen(policy, 0);
    }
  }

  private static void awaitOpen(UnidentifiedLimits policy, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (policy.open("127.0.0.1") != n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(n, policy.open("127.0.0.1"));
  }
}

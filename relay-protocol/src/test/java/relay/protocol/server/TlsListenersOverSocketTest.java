package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import relay.protocol.server.ListenerSecurity.Auth;
import relay.protocol.server.ListenerSecurity.Tls;

/**
 * STARTTLS, implicit TLS and AUTH over real sockets and real TLS (JSSE client, the relay's
 * StartTlsStage and a self-signed certificate): every reply of the dialogue on each listener
 * kind, the pipelining injection of CVE-2011-0411, handshake failures, and the slot an
 * authenticated connection holds.
 */
class TlsListenersOverSocketTest {

  private static final String READY = "220 2.0.0 Ready to start TLS";
  private static ActorSystem system;
  private static TestTls tls;
  /** The same kind of material with a 2 s handshake timeout. */
  private static TestTls quick;

  @BeforeAll
  static void start() throws Exception {
    system = TestServer.newSystem("tls-listeners");
    tls = TestTls.create(Duration.ofSeconds(30));
    quick = TestTls.create(Duration.ofSeconds(2));
  }

  @AfterAll
  static void stop() throws Exception {
    TestServer.stopSystem(system);
  }

  private static TestServer server(Tls mode, Auth auth, ClientPolicy policy) throws Exception {
    return TestServer.start(system, TestSettings.defaults(), new ListenerSecurity(mode, auth),
        tls, policy);
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String plain(String user, String password) {
    return b64("\0" + user + "\0" + password);
  }

  /** Slots are released as the stage stops, just after the client saw the connection close. */
  private static void awaitZero(java.util.concurrent.atomic.AtomicInteger count, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (count.get() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, count.get(), what);
  }

  /** The EHLO reply's keywords, without their "250-" / "250 ". */
  private static List<String> ehlo(SmtpTestClient c) throws Exception {
    c.send("EHLO client.example\r\n");
    return c.replyLines().stream().map(l -> l.substring(4)).toList();
  }

  /** A message from alice to bob; returns the reply to its end of data. */
  private static String send(SmtpTestClient c) throws Exception {
    assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<alice@client.example> AUTH=<>"));
    assertEquals("250 2.1.5 Ok", c.command("RCPT TO:<bob@example.org>"));
    assertEquals("354 End data with <CR><LF>.<CR><LF>", c.command("DATA"));
    return c.command("Subject: over TLS\r\n\r\nhello\r\n.");
  }

  @Test
  void rsetPipelinedAfterStartTlsIsNeverAnswered() throws Exception {
    try (TestServer server = server(Tls.STARTTLS, Auth.NONE, TestServer.REGISTERED);
        SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      assertTrue(ehlo(c).contains("STARTTLS"));
      c.send("STARTTLS\r\nRSET\r\n"); // one write: one segment on loopback
      assertEquals(READY, c.reply());
      c.startTls(tls.client);
      assertEquals("TLSv1.3", c.tlsSession().getProtocol());
      c.send("EHLO client.example\r\n");
      List<String> ehlo = c.replyLines();
      assertEquals("250-relay.example", ehlo.get(0),
          "the first reply over TLS is the EHLO reply, not the RSET's 250 Ok");
      assertFalse(ehlo.toString().contains("STARTTLS"), ehlo.toString());
      assertEquals("250 2.0.0 Ok", c.command("NOOP"));
      assertFalse(c.replyArrivesWithin(300), "nothing else was queued");
      assertEquals(1, server.control.pipelinedAfterStartTls());
    }
  }

  @Test
  void requiredStartTlsThenAMessageWithTheTlsInItsTrace() throws Exception {
    try (TestServer server = server(Tls.REQUIRED_STARTTLS, Auth.NONE, TestServer.REGISTERED);
        SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      c.command("EHLO client.example");
      assertEquals("530 5.7.0 Must issue a STARTTLS command first",
          c.command("MAIL FROM:<alice@client.example>"));
      assertEquals("501 5.5.4 Syntax: STARTTLS", c.command("STARTTLS now"));
      assertEquals(READY, c.command("STARTTLS"));
      c.startTls(tls.client);
      assertEquals("503 5.5.1 Bad sequence of commands: send EHLO/HELO first",
          c.command("MAIL FROM:<alice@client.example>"), "the session started over");
      c.command("EHLO client.example");
      assertEquals("503 5.5.1 Bad sequence of commands: TLS already active",
          c.command("STARTTLS"));
      assertTrue(send(c).startsWith("250 2.0.0 Ok: queued as "));
      assertEquals(0, server.control.pipelinedAfterStartTls());
      String content = server.sink.committed.get(0).content();
      assertTrue(content.startsWith("Received: from client.example ([127.0.0.1])\r\n"
          + "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)\r\n"
          + "\tby relay.example with ESMTPS id "), content);
      assertEquals("ESMTPS", server.sink.committed.get(0).envelope().protocol());
    }
  }

  @Test
  void plainListenerDoesNotImplementStartTls() throws Exception {
    try (TestServer server = TestServer.start(system, TestSettings.defaults(),
        TestServer.REGISTERED);
        SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      List<String> keywords = ehlo(c);
      assertFalse(keywords.contains("STARTTLS") || keywords.contains("AUTH PLAIN LOGIN"),
          keywords.toString());
      assertEquals("502 5.5.1 Command not implemented", c.command("STARTTLS"));
      assertEquals("502 5.5.1 Command not implemented", c.command("AUTH PLAIN"));
    }
  }

  @Test
  void implicitTlsSubmissionWithAuth() throws Exception {
    OneLoginPolicy policy = new OneLoginPolicy();
    try (TestServer server = server(Tls.IMPLICIT, Auth.REQUIRED, policy);
        SmtpTestClient c = SmtpTestClient.connectTls(server.port(), tls.client)) {
      List<String> keywords = ehlo(c);
      assertTrue(keywords.contains("AUTH PLAIN LOGIN"), keywords.toString());
      assertFalse(keywords.contains("STARTTLS"));
      assertEquals("503 5.5.1 Bad sequence of commands: TLS already active",
          c.command("STARTTLS"));
      assertEquals("530 5.7.0 Authentication required",
          c.command("MAIL FROM:<alice@client.example>"));
      assertEquals("535 5.7.8 Authentication credentials invalid",
          c.command("AUTH PLAIN " + plain(OneLoginPolicy.USER, "wrong")));
      assertEquals("504 5.5.4 Unrecognized authentication mechanism", c.command("AUTH CRAM-MD5"));
      assertEquals("334 ", c.command("AUTH PLAIN"));
      assertEquals("501 5.0.0 Authentication cancelled", c.command("*"));
      assertEquals("334 VXNlcm5hbWU6", c.command("AUTH LOGIN"));
      assertEquals("501 5.5.2 Cannot decode authentication response", c.command("%%%"));
      assertEquals("334 VXNlcm5hbWU6", c.command("AUTH LOGIN"));
      assertEquals("334 UGFzc3dvcmQ6", c.command(b64(OneLoginPolicy.USER)));
      assertEquals(1, policy.connectSlots.get());
      assertEquals("235 2.7.0 Authentication successful",
          c.command(b64(OneLoginPolicy.PASSWORD)));
      assertEquals(0, policy.connectSlots.get(), "the connection's first slot is given back");
      assertEquals(1, policy.loginSlots.get(), "and the client's held instead");
      assertEquals("503 5.5.1 Bad sequence of commands: already authenticated",
          c.command("AUTH PLAIN " + plain(OneLoginPolicy.USER, OneLoginPolicy.PASSWORD)));
      assertTrue(send(c).startsWith("250 2.0.0 Ok: queued as "));
      InMemoryMessageSink.Stored stored = server.sink.committed.get(0);
      assertEquals(Optional.of(OneLoginPolicy.CLIENT), stored.envelope().client().clientName());
      assertEquals("ESMTPSA", stored.envelope().protocol());
      assertTrue(stored.content().contains("with ESMTPSA id"));
      assertFalse(stored.content().contains(OneLoginPolicy.USER), "no login name in the trace");
      assertEquals("221 2.0.0 Bye", c.command("QUIT"));
      assertTrue(c.closedByServer());
    }
    awaitZero(policy.loginSlots, "the client's slot released when the connection ended");
  }

  @Test
  void authBeforeTlsAndTemporaryFailuresAndLockout() throws Exception {
    OneLoginPolicy policy = new OneLoginPolicy();
    try (TestServer server = server(Tls.STARTTLS, Auth.OPTIONAL, policy);
        SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      assertFalse(ehlo(c).toString().contains("AUTH"), "not offered in clear");
      assertEquals("538 5.7.11 Encryption required for requested authentication mechanism",
          c.command("AUTH PLAIN " + plain(OneLoginPolicy.USER, OneLoginPolicy.PASSWORD)));
      assertEquals(0, policy.checks.get(), "credentials sent in clear are never checked");
      assertEquals(READY, c.command("STARTTLS"));
      c.startTls(tls.client);
      assertTrue(ehlo(c).contains("AUTH PLAIN LOGIN"));
      assertEquals("454 4.7.0 Temporary authentication failure",
          c.command("AUTH PLAIN " + plain("broken", "x")));
      String longResponse = b64("\0" + "u".repeat(4000) + "\0" + "p".repeat(4000));
      assertEquals("535 5.7.8 Authentication credentials invalid",
          c.command("AUTH PLAIN " + longResponse), "an AUTH line of 10 kB is taken");
      assertEquals("500 5.5.2 Line too long",
          c.command("NOOP " + "x".repeat(600)), "other lines keep 512");
      assertEquals("421 4.7.0 relay.example Too many failed logins from your address, locked"
          + " out until 2030-01-02T03:04:05Z, closing", c.command("AUTH PLAIN "
          + plain("locked", "x")));
      assertTrue(c.closedByServer());
    }
    awaitZero(policy.connectSlots, "the connection's slot released");
  }

  @Test
  void handshakeFailuresCloseTheConnection() throws Exception {
    try (TestServer server = TestServer.start(system, TestSettings.defaults(),
        new ListenerSecurity(Tls.IMPLICIT, Auth.NONE), quick, TestServer.REGISTERED)) {
      try (SmtpTestClient c = SmtpTestClient.open(server.port())) {
        c.send("EHLO client.example\r\n"); // plaintext where a ClientHello must come
        assertTrue(c.closedByServer(), "not TLS: closed");
      }
      long start = System.nanoTime();
      try (SmtpTestClient c = SmtpTestClient.open(server.port())) {
        assertTrue(c.closedByServer(), "no handshake within 2 s: closed");
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waited >= 1500 && waited < 9000, waited + " ms");
      }
    }
    try (TestServer server = server(Tls.STARTTLS, Auth.NONE, TestServer.REGISTERED);
        SmtpTestClient c = SmtpTestClient.connect(server.port())) {
      assertEquals(READY, c.command("STARTTLS"));
      c.send("RSET\r\n"); // in clear after the 220: it goes to the TLS engine, never executed
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void overMaxConnectionsAnImplicitTlsListenerClosesWithoutAPlaintextReply() throws Exception {
    try (TestServer server = TestServer.start(system,
        TestSettings.with(Map.of("max-connections", 1)),
        new ListenerSecurity(Tls.IMPLICIT, Auth.NONE), tls, TestServer.REGISTERED);
        SmtpTestClient first = SmtpTestClient.connectTls(server.port(), tls.client);
        SmtpTestClient second = SmtpTestClient.open(server.port())) {
      assertFalse(second.replyArrivesWithin(2000), "no 421 in clear for a client that speaks TLS");
      assertTrue(second.closedByServer(), "closed");
      assertEquals("250 2.0.0 Ok", first.command("NOOP"), "the first connection is served");
    }
  }

  @Test
  void authFailuresCountTowardMaxErrors() throws Exception {
    OneLoginPolicy policy = new OneLoginPolicy();
    try (TestServer server = TestServer.start(system, TestSettings.with(Map.of("max-errors", 2)),
        new ListenerSecurity(Tls.IMPLICIT, Auth.REQUIRED), tls, policy);
        SmtpTestClient c = SmtpTestClient.connectTls(server.port(), tls.client)) {
      c.command("EHLO client.example");
      c.command("AUTH PLAIN " + plain(OneLoginPolicy.USER, "a"));
      c.command("AUTH PLAIN " + plain(OneLoginPolicy.USER, "b"));
      c.send("AUTH PLAIN " + plain(OneLoginPolicy.USER, "c") + "\r\n");
      assertEquals(List.of("535 5.7.8 Authentication credentials invalid",
          "421 4.7.0 relay.example Too many errors, closing"), c.replies(2));
      assertTrue(c.closedByServer());
    }
  }
}

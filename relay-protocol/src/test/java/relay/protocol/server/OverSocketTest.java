package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Socket tests against the real server stage: one actor system per test class, a fresh listener
 * (with its in-memory sink) per test, and the dialog that opens a transaction.
 */
abstract class OverSocketTest {

  static ActorSystem system;
  TestServer server;

  @BeforeAll
  static void startSystem() {
    system = TestServer.newSystem("over-socket");
  }

  @AfterAll
  static void stopSystem() throws Exception {
    TestServer.stopSystem(system);
  }

  @BeforeEach
  void startServer() throws Exception {
    server = TestServer.start(system);
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  /** A client that said EHLO, MAIL and one RCPT, each answered as expected. */
  SmtpTestClient inTransaction() throws Exception {
    SmtpTestClient c = SmtpTestClient.connect(server.port());
    assertEquals("250 HELP", c.command("EHLO client.example"));
    assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<alice@client.example>"));
    assertEquals("250 2.1.5 Ok", c.command("RCPT TO:<bob@example.org>"));
    return c;
  }
}

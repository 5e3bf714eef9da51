package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import relay.protocol.address.Mailbox;

/** A real mail client (Jakarta Mail / Angus) talks to the server. */
class JakartaMailClientTest {

  private static ActorSystem system;

  @BeforeAll
  static void startSystem() {
    system = TestServer.newSystem("jakarta-mail");
  }

  @AfterAll
  static void stopSystem() throws Exception {
    TestServer.stopSystem(system);
  }

  private static Session session(int port) {
    Properties props = new Properties();
    props.put("mail.smtp.host", "127.0.0.1");
    props.put("mail.smtp.port", String.valueOf(port));
    props.put("mail.smtp.localhost", "app.client.example");
    props.put("mail.smtp.allow8bitmime", "true");
    props.put("mail.smtp.connectiontimeout", "10000");
    props.put("mail.smtp.timeout", "10000");
    return Session.getInstance(props);
  }

  @Test
  void sendsAMessageThatArrivesIntact() throws Exception {
    try (TestServer server = TestServer.start(system)) {
      MimeMessage message = new MimeMessage(session(server.port()));
      message.setFrom(new InternetAddress("alice@client.example"));
      message.setRecipients(Message.RecipientType.TO, "bob@example.org, carol@example.net");
      message.setSubject("Grüße from Jakarta Mail", "UTF-8");
      message.setText("Hello Bob,\n.a line that starts with a dot\nÄ non-ASCII line\n", "UTF-8",
          "plain");
      Transport.send(message);

      assertEquals(1, server.sink.committed.size());
      InMemoryMessageSink.Stored stored = server.sink.committed.get(0);
      Envelope envelope = stored.envelope();
      assertEquals(java.util.Optional.of(new Mailbox("alice", "client.example")),
          envelope.sender());
      assertEquals(List.of(new Mailbox("bob", "example.org"), new Mailbox("carol", "example.net")),
          envelope.recipients());
      assertEquals("app.client.example", envelope.heloName());
      assertTrue(stored.content().contains("Content-Transfer-Encoding: 8bit"),
          "8-bit content passes through (Angus sends it without BODY=8BITMIME)");

      MimeMessage received = new MimeMessage(Session.getInstance(new Properties()),
          new ByteArrayInputStream(stored.content().getBytes(StandardCharsets.UTF_8)));
      assertEquals("Grüße from Jakarta Mail", received.getSubject());
      assertEquals("Hello Bob,\r\n.a line that starts with a dot\r\nÄ non-ASCII line\r\n",
          received.getContent());
      String[] trace = received.getHeader("Received");
      assertEquals(1, trace.length);
      assertTrue(trace[0].startsWith("from app.client.example ([127.0.0.1])"), trace[0]);
      assertTrue(received.getMessageID().startsWith("<"), "Angus sets a Message-ID; kept as is");
    }
  }

  @Test
  void refusedRecipientSurfacesAsSendFailed() throws Exception {
    try (TestServer server = TestServer.start(system, TestSettings.defaults(),
        TestServer.ANONYMOUS)) {
      MimeMessage message = new MimeMessage(session(server.port()));
      message.setFrom(new InternetAddress("stranger@client.example"));
      message.setRecipients(Message.RecipientType.TO, "bob@example.org");
      message.setSubject("no relay");
      message.setText("x");
      SendFailedException failed = assertThrows(SendFailedException.class,
          () -> Transport.send(message));
      MessagingException cause = (MessagingException) failed.getNextException();
      assertTrue(cause.getMessage().contains("554 5.7.1 Relay access denied"), cause.getMessage());
      assertEquals(List.of(), server.sink.committed);
    }
  }
}

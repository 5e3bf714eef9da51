package relay.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client against servers that misbehave in ways the sink does not: each test plays a fixed
 * script, one reply per command line read.
 */
class ScriptedServerTest {

  private static final ClientSettings SETTINGS =
      ClientSettings.defaults().withHeloName("relay.test").withReplyTimeouts(Duration.ofSeconds(5));

  /** Serves one connection: sends the greeting, then one scripted reply per line read. */
  private static ServerSocket serve(String greeting, List<String> replies) throws Exception {
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      try (Socket s = server.accept()) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        out.write(greeting.getBytes(StandardCharsets.UTF_8));
        for (String reply : replies) {
          if (in.readLine() == null) {
            return;
          }
          out.write(reply.getBytes(StandardCharsets.UTF_8));
        }
        in.readLine();
      } catch (Exception ignored) {
        // the client closed
      }
    });
    t.setDaemon(true);
    t.start();
    return server;
  }

  private static InetSocketAddress at(ServerSocket server) {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  private static OutboundEnvelope envelope() {
    return new OutboundEnvelope("s@o.test", List.of("a@d.test"), 10, false, false);
  }

  @Test
  void a250ToDataIsAProtocolErrorNotADelivery() throws Exception {
    try (ServerSocket server = serve("220 odd.test\r\n",
        List.of("250 odd.test\r\n", "250 ok\r\n", "250 ok\r\n", "250 sure\r\n"))) {
      SmtpClientConnection c = SmtpClientConnection.open(at(server), "odd.test", SETTINGS);

      SmtpClientException e = assertThrows(SmtpClientException.class,
          () -> c.send(envelope(), new ByteArrayInputStream("x\r\n".getBytes(StandardCharsets.US_ASCII))));

      assertEquals("451 4.5.0", e.reply().code() + " " + e.reply().enhanced());
      assertTrue(e.reply().lines().get(0).contains("unexpected reply 250 instead of the reply to DATA"), e.reply().summary());
      assertFalse(c.isUsable());
    }
  }

  @Test
  void garbageInsteadOfAReplyIsAProtocolError() throws Exception {
    try (ServerSocket server = serve("220 odd.test\r\n", List.of("HTTP/1.1 400 Bad Request\r\n"))) {
      SmtpClientException e = assertThrows(SmtpClientException.class,
          () -> SmtpClientConnection.open(at(server), "odd.test", SETTINGS));

      assertEquals("451 4.5.0", e.reply().code() + " " + e.reply().enhanced());
      assertTrue(e.isConnectionLevel());
    }
  }

  @Test
  void permanentGreetingIsTheServersReplyAndTheClientSaysQuit() throws Exception {
    try (ServerSocket server = serve("554-5.7.1 go away\r\n554 5.7.1 no relaying for you\r\n",
        List.of("221 2.0.0 bye\r\n"))) {
      SmtpClientException e = assertThrows(SmtpClientException.class,
          () -> SmtpClientConnection.open(at(server), "odd.test", SETTINGS));

      assertEquals(554, e.reply().code());
      assertEquals(List.of("go away", "no relaying for you"), e.reply().lines());
      assertTrue(e.isFromServer());
      assertTrue(e.reply().isPermanent());
    }
  }

  @Test
  void heloRefusedAfterEhloRefusedEndsTheSession() throws Exception {
    try (ServerSocket server = serve("220 old.test\r\n",
        List.of("500 what\r\n", "550 not you\r\n", "221 bye\r\n"))) {
      SmtpClientException e = assertThrows(SmtpClientException.class,
          () -> SmtpClientConnection.open(at(server), "old.test", SETTINGS));

      assertEquals("550 not you", e.reply().summary());
    }
  }
}

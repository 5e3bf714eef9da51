package relay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import relay.protocol.client.ClientSettings;
import relay.protocol.client.OutboundEnvelope;
import relay.protocol.client.SmtpClientConnection;

class SmtpSinkTest {

  private static final ClientSettings SETTINGS =
      ClientSettings.defaults().withHeloName("relay.test").withReplyTimeouts(Duration.ofSeconds(10));

  @Test
  void takesTenThousandMessagesOverFourConnectionsAndCountsThem() throws Exception {
    byte[] body = ("Subject: load\r\n\r\n" + "line of text\r\n".repeat(20)).getBytes(StandardCharsets.US_ASCII);
    int connections = 4;
    int perConnection = 2500;
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    CountDownLatch allOpen = new CountDownLatch(connections);
    try (SmtpSink sink = SmtpSink.start()) {
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        done.add(pool.submit(() -> {
          int delivered = 0;
          try (SmtpClientConnection client = SmtpClientConnection.open(sink.address(), "sink", SETTINGS)) {
            allOpen.countDown();
            allOpen.await(); // so the sink sees four at once, whatever the machine's load
            for (int i = 0; i < perConnection; i++) {
              OutboundEnvelope env = new OutboundEnvelope("s@o.test", List.of("a" + i + "@d.test", "b@d.test"),
                  body.length, false, false);
              if (client.send(env, new ByteArrayInputStream(body)).delivered(0)) {
                delivered++;
              }
            }
            client.quit();
          }
          return delivered;
        }));
      }
      int delivered = 0;
      for (Future<Integer> f : done) {
        delivered += f.get();
      }

      assertEquals(connections * perConnection, delivered);
      assertTrue(sink.awaitMessages(connections * perConnection, Duration.ofSeconds(5)));
      assertEquals(connections, sink.totalConnections());
      assertEquals(connections, sink.maxConcurrentConnections(), "all four were open together");
      assertEquals(perConnection, sink.maxMessagesPerConnection());
      assertEquals(2, sink.maxRecipientsPerTransaction());
      assertEquals(new String(body, StandardCharsets.US_ASCII), sink.messages().get(9999).text());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void answersAPipelinedGroupAndAHandWrittenDialog() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().enhancedStatusCodes(false).maxRecipients(1).start();
        Socket socket = new Socket(sink.host(), sink.port())) {
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      assertTrue(in.readLine().startsWith("220 sink.test"));
      out.write(("EHLO me\r\nMAIL FROM:<s@o.test>\r\nRCPT TO:<a@d.test>\r\nRCPT TO:<b@d.test>\r\nDATA\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      List<String> ehlo = new ArrayList<>();
      String line;
      do {
        line = in.readLine();
        ehlo.add(line);
      } while (line.charAt(3) == '-');
      assertEquals(List.of("250-sink.test", "250-PIPELINING", "250-SIZE", "250 8BITMIME"), ehlo);
      assertEquals("250 Ok", in.readLine());
      assertEquals("250 Ok", in.readLine());
      assertEquals("452 Too many recipients", in.readLine());
      assertEquals("354 End data with <CR><LF>.<CR><LF>", in.readLine());
      out.write("..dot\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertTrue(in.readLine().startsWith("250 Ok: queued as 1"));
      assertEquals("221 Bye", in.readLine());

      ReceivedMessage got = sink.messages().get(0);
      assertEquals(".dot\r\n", got.text());
      assertEquals(List.of("a@d.test"), got.recipients());
      assertEquals(1, sink.pipelinedGroups());
    }
  }

  @Test
  void downRefusesConnectionsAndUpListensOnTheSamePortAgain() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().bind("127.0.0.3", 0).start()) {
      int port = sink.port();
      sink.down();
      assertThrows(java.net.ConnectException.class, () -> new Socket("127.0.0.3", port).close());

      sink.up();
      try (Socket socket = new Socket("127.0.0.3", port)) {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        assertTrue(in.readLine().startsWith("220 "));
      }
      assertEquals(port, sink.port());
      assertFalse(sink.awaitMessages(1, Duration.ofMillis(10)));
    }
  }
}

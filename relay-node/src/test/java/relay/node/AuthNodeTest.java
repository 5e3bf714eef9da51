package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import relay.node.Processes.Run;

/**
 * SMTP AUTH end to end on a real node (H2): a client without any registered address gets a
 * credential over HTTP, then sends with it through the relay to a real sink: swaks with AUTH
 * PLAIN after STARTTLS on the submission port, Jakarta Mail with AUTH LOGIN over implicit TLS
 * (RFC 8314) on the submissions port. A wrong password is 535 5.7.8; the client's allowed sender
 * domains apply to the authenticated session (550 5.7.1); a deleted credential stops working.
 * Prints what one AUTH costs over the socket with the shipped Argon2id parameters.
 */
class AuthNodeTest {

  private static Run run(List<String> command) throws Exception {
    return Processes.run(command);
  }

  private static Run swaks(InetSocketAddress to, String from, String user, String password,
      String... more) throws Exception {
    List<String> command = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1", "--port",
        String.valueOf(to.getPort()), "--helo", "webapp.client.test", "--from", from, "--to",
        "carol@dest.test", "--timeout", "20", "--tls", "--auth", "PLAIN", "--auth-user", user,
        "--auth-password", password));
    command.addAll(List.of(more));
    return run(command);
  }

  static final int ATTEMPTS = 10;

  /**
   * Median and minimum milliseconds from sending AUTH PLAIN to reading its reply (which must
   * start with {@code expected}), each on a new implicit-TLS connection; 3 warm-up rounds first.
   */
  private static double[] authMillis(InetSocketAddress port, String user, String password,
      String expected) throws Exception {
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password)
        .getBytes(StandardCharsets.UTF_8));
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < ATTEMPTS + 3; i++) {
      try (SSLSocket socket = (SSLSocket) trustAll.getSocketFactory().createSocket(
          "127.0.0.1", port.getPort())) {
        socket.setSoTimeout(20_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
            StandardCharsets.US_ASCII));
        Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
        reply(in);
        out.write("EHLO timing.client.test\r\n");
        out.flush();
        reply(in);
        long start = System.nanoTime();
        out.write("AUTH PLAIN " + plain + "\r\n");
        out.flush();
        String answer = reply(in);
        double ms = (System.nanoTime() - start) / 1e6;
        assertTrue(answer.startsWith(expected), answer);
        out.write("QUIT\r\n");
        out.flush();
        if (i >= 3) {
          times.add(ms);
        }
      }
    }
    Collections.sort(times);
    return new double[] {times.get(times.size() / 2), times.get(0)};
  }

  /** The last line of one (possibly multi-line) reply. */
  private static String reply(BufferedReader in) throws Exception {
    String line;
    do {
      line = in.readLine();
    } while (line != null && line.length() > 3 && line.charAt(3) == '-');
    return String.valueOf(line);
  }

  @Test
  void aCredentialMadeOverHttpSendsMailOnlyAsItsClient() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.withSelfSignedTls();
      relay.with("relay.listeners = [\n"
              + "{ name = submission, host = \"127.0.0.1\", port = 0, tls = required-starttls,"
              + " auth = required }\n"
              + "{ name = submissions, host = \"127.0.0.1\", port = 0, tls = implicit,"
              + " auth = required } ]")
          // this test's wrong passwords must not lock 127.0.0.1 out
          .with("relay.auth.lockout.failures = 100")
          .start();
      List<InetSocketAddress> ports = relay.node().smtpAddresses();
      int http = relay.node().httpAddress().getPort();
      String admin = Files.readString(relay.dataDir.resolve("admin-token")).strip();
      ObjectMapper json = new ObjectMapper();

      assertEquals(201, NodeApiTest.call(http, "POST", "/api/v1/clients", admin,
          "{\"id\":\"webapp\",\"name\":\"Web app\",\"contacts\":[\"ops@sender.test\"],"
              + "\"addresses\":[],\"senderDomains\":[\"sender.test\"]}").status());
      NodeApiTest.Answer made = NodeApiTest.call(http, "POST",
          "/api/v1/clients/webapp/credentials", admin,
          "{\"username\":\"WebApp-Prod\",\"note\":\"checkout\"}");
      assertEquals(201, made.status(), made.body());
      JsonNode credential = json.readTree(made.body());
      String password = credential.get("password").asText();
      String id = credential.get("id").asText();

      // 587: STARTTLS, AUTH PLAIN (username in another case), relayed to the sink
      Run sent = swaks(ports.get(0), "alice@sender.test", "webapp-prod", password);
      assertEquals(0, sent.exit(), sent.output());
      assertTrue(sent.output().contains("<~  235 2.7.0"), sent.output());
      assertTrue(relay.sink.awaitMessages(1, Duration.ofSeconds(20)));

      // 465: implicit TLS, Jakarta Mail with AUTH LOGIN
      Properties props = new Properties();
      props.put("mail.smtps.host", "127.0.0.1");
      props.put("mail.smtps.port", String.valueOf(ports.get(1).getPort()));
      props.put("mail.smtps.auth", "true");
      props.put("mail.smtps.auth.mechanisms", "LOGIN");
      props.put("mail.smtps.ssl.trust", "*");
      props.put("mail.smtps.localhost", "webapp.client.test");
      props.put("mail.smtps.timeout", "20000");
      Session session = Session.getInstance(props);
      MimeMessage message = new MimeMessage(session);
      message.setFrom(new InternetAddress("bob@sender.test"));
      message.setRecipient(Message.RecipientType.TO, new InternetAddress("carol@dest.test"));
      message.setSubject("over 465");
      message.setText("sent with Jakarta Mail over implicit TLS");
      try (Transport transport = session.getTransport("smtps")) {
        transport.connect("WebApp-Prod", password);
        transport.sendMessage(message, message.getAllRecipients());
      }
      assertTrue(relay.sink.awaitMessages(2, Duration.ofSeconds(20)));
      assertTrue(relay.sink.messages().stream().anyMatch(m -> new String(m.data(),
          StandardCharsets.UTF_8).contains("Subject: over 465")));

      // a wrong password, and the client's sender domains for an authenticated session
      Run wrong = swaks(ports.get(0), "alice@sender.test", "WebApp-Prod", password + "x");
      assertTrue(wrong.output().contains("<~* 535 5.7.8"), wrong.output());
      Run foreign = swaks(ports.get(0), "alice@elsewhere.test", "WebApp-Prod", password);
      assertTrue(foreign.output().contains("<~  235 2.7.0")
          && foreign.output().contains("<~* 550 5.7.1"), foreign.output());

      // the cost of one AUTH over implicit TLS, right and unknown user, after warm-up
      double[] right = authMillis(ports.get(1), "WebApp-Prod", password, "235 ");
      double[] unknown = authMillis(ports.get(1), "no-such-user", password, "535 ");
      System.out.printf("AuthNodeTest: AUTH PLAIN to its reply over implicit TLS, Argon2id"
          + " m=19456 t=2 p=1: right password median %.1f ms (min %.1f), unknown user median"
          + " %.1f ms (min %.1f), %d attempts each after 3 warm-up%n", right[0], right[1],
          unknown[0], unknown[1], ATTEMPTS);

      // deleted: refused within a second or so
      assertEquals(204, NodeApiTest.call(http, "DELETE",
          "/api/v1/clients/webapp/credentials/" + id, admin, null).status());
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      Run after;
      do {
        after = swaks(ports.get(0), "alice@sender.test", "WebApp-Prod", password);
      } while (!after.output().contains("<~* 535 5.7.8") && System.nanoTime() < deadline);
      assertTrue(after.output().contains("<~* 535 5.7.8"), after.output());
      assertEquals(2, relay.sink.messages().size(), "nothing else was relayed");
    }
  }
}

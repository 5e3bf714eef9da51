package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import relay.testing.ReceivedMessage;

/**
 * A real node with the three listener kinds of issue 12 (25: STARTTLS offered; 587: STARTTLS
 * and AUTH required; 465: implicit TLS, AUTH required) and a certificate made by
 * ops/bin/relay-selfsigned-cert, driven by swaks and openssl; a credential made over the API
 * logs in on 465 and 587; mail goes on to a real sink.
 */
class TlsListenersNodeTest {

  private record Run(int exit, String output) {}

  private static Run run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running: " + command);
    return new Run(process.exitValue(), output);
  }

  /** A string field of a JSON object (the API's answers are flat enough here). */
  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
    assertTrue(m.find(), name + " in " + json);
    return m.group(1);
  }

  private static List<String> swaks(InetSocketAddress to, String... options) {
    List<String> command = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1", "--port",
        String.valueOf(to.getPort()), "--helo", "app.client.test", "--from", "alice@sender.test",
        "--to", "carol@dest.test", "--timeout", "20"));
    command.addAll(List.of(options));
    return command;
  }

  @Test
  void threeListenerKindsOnOneNode() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      Path tls = relay.dataDir.resolve("tls");
      Run cert = run(List.of(OpsScript.ROOT.resolve("ops/bin/relay-selfsigned-cert").toString(),
          "relay.test", tls.toString()));
      assertEquals(0, cert.exit(), cert.output());
      relay.with("relay.tls.certificates = [ { chain = \"" + tls.resolve("cert.pem")
              + "\", key = \"" + tls.resolve("key.pem") + "\" } ]")
          .with("relay.listeners = [\n"
              + "{ name = smtp, host = \"127.0.0.1\", port = 0, tls = starttls }\n"
              + "{ name = submission, host = \"127.0.0.1\", port = 0, tls = required-starttls,"
              + " auth = required }\n"
              + "{ name = submissions, host = \"127.0.0.1\", port = 0, tls = implicit,"
              + " auth = required } ]")
          .start();
      List<InetSocketAddress> ports = relay.node().smtpAddresses();
      assertEquals(3, ports.size());

      // 25: the registered test-app (127.0.0.1) relays over STARTTLS
      Run smtp = run(swaks(ports.get(0), "--tls"));
      assertEquals(0, smtp.exit(), smtp.output());
      assertTrue(smtp.output().contains("=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384"),
          smtp.output());
      assertTrue(relay.sink.awaitMessages(1, Duration.ofSeconds(20)));
      ReceivedMessage delivered = relay.sink.messages().get(0);
      String content = new String(delivered.data(), StandardCharsets.UTF_8);
      assertTrue(content.contains("(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)")
          && content.contains("by relay.test with ESMTPS id"), content);

      // 587: nothing before STARTTLS, then nothing before AUTH, even for a registered address
      Run clear = run(swaks(ports.get(1)));
      assertTrue(clear.output().contains("<** 530 5.7.0 Must issue a STARTTLS command first"),
          clear.output());
      Run noAuth = run(swaks(ports.get(1), "--tls"));
      assertTrue(noAuth.output().contains("<~* 530 5.7.0 Authentication required"),
          noAuth.output());

      // 465: TLS from the first byte, AUTH offered, unknown credentials refused
      Run wrong = run(swaks(ports.get(2), "--tlsc", "--auth", "LOGIN", "--auth-user",
          "nobody", "--auth-password", "wrong"));
      assertTrue(wrong.output().contains("~> AUTH LOGIN")
          && wrong.output().contains("<~* 535 5.7.8 Authentication credentials invalid"),
          wrong.output());
      Run openssl = run(List.of("openssl", "s_client", "-connect",
          "127.0.0.1:" + ports.get(2).getPort(), "-CAfile", tls.resolve("cert.pem").toString(),
          "-verify_return_error", "-verify_hostname", "relay.test", "-servername", "relay.test",
          "-brief"));
      assertTrue(openssl.output().contains("Verification: OK")
          && openssl.output().contains("Protocol version: TLSv1.3"), openssl.output());

      // a credential made over the API: the password shown once, then AUTH on 465 and 587
      int http = relay.node().httpAddress().getPort();
      String admin = Files.readString(relay.dataDir.resolve("admin-token")).strip();
      NodeApiTest.Answer made = NodeApiTest.call(http, "POST",
          "/api/v1/clients/test-app/credentials", admin, "{\"note\":\"tls test\"}");
      assertEquals(201, made.status(), made.body());
      String user = field(made.body(), "username");
      String password = field(made.body(), "password");
      Run plain = run(swaks(ports.get(2), "--tlsc", "--auth", "PLAIN", "--auth-user", user,
          "--auth-password", password));
      assertEquals(0, plain.exit(), plain.output());
      assertTrue(plain.output().contains("<~  235 2.7.0 Authentication successful"),
          plain.output());
      Run login = run(swaks(ports.get(1), "--tls", "--auth", "LOGIN", "--auth-user", user,
          "--auth-password", password));
      assertEquals(0, login.exit(), login.output());
      assertTrue(relay.sink.awaitMessages(3, Duration.ofSeconds(20)));
      for (ReceivedMessage message : relay.sink.messages().subList(1, 3)) {
        String text = new String(message.data(), StandardCharsets.UTF_8);
        assertTrue(text.contains("by relay.test with ESMTPSA id") && !text.contains(password),
            text);
      }
      assertEquals(3, relay.sink.messages().size(), "nothing from the refused sessions");
    }
  }
}

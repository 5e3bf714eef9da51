package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import relay.protocol.server.ListenerSecurity.Auth;
import relay.protocol.server.ListenerSecurity.Tls;

/**
 * Real clients against the three listener kinds of a relay with TLS and AUTH (issue 12, done-when
 * 2): swaks with --tls, --tlsc, --auth PLAIN and --auth LOGIN; openssl s_client with -starttls
 * smtp and on an implicit-TLS port, checking the certificate; Jakarta Mail with AUTH over
 * implicit TLS (465) and over required STARTTLS (587). Needs swaks (with IO::Socket::SSL and
 * Authen::SASL) and openssl.
 */
class ExternalTlsClientsTest {

  private static ActorSystem system;
  private static TestTls tls;

  @BeforeAll
  static void start() throws Exception {
    system = TestServer.newSystem("external-tls-clients");
    tls = TestTls.create(Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() throws Exception {
    TestServer.stopSystem(system);
  }

  /** The port-25 kind: STARTTLS offered, no AUTH, clients registered by address. */
  private static TestServer relayPort() throws Exception {
    return TestServer.start(system, TestSettings.defaults(),
        new ListenerSecurity(Tls.STARTTLS, Auth.NONE), tls, TestServer.REGISTERED);
  }

  /** The port-587 kind. */
  private static TestServer submission() throws Exception {
    return TestServer.start(system, TestSettings.defaults(),
        new ListenerSecurity(Tls.REQUIRED_STARTTLS, Auth.REQUIRED), tls, new OneLoginPolicy());
  }

  /** The port-465 kind. */
  private static TestServer submissions() throws Exception {
    return TestServer.start(system, TestSettings.defaults(),
        new ListenerSecurity(Tls.IMPLICIT, Auth.REQUIRED), tls, new OneLoginPolicy());
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> command, String stdin) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    String output = readAll(process.getInputStream());
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "still running: " + command);
    return new Run(process.exitValue(), output);
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static List<String> swaks(int port, String... options) {
    List<String> command = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1", "--port",
        String.valueOf(port), "--helo", "client.example", "--from", "alice@client.example",
        "--to", "bob@example.org", "--timeout", "15"));
    command.addAll(List.of(options));
    return command;
  }

  private static void assertQueued(Run run, TestServer server, String protocol) {
    assertEquals(0, run.exit(), run.output());
    assertTrue(run.output().contains("250 2.0.0 Ok: queued as"), run.output());
    assertEquals(1, server.sink.committed.size());
    assertEquals(protocol, server.sink.committed.get(0).envelope().protocol());
  }

  @Test
  void swaksStartTlsOnTheRelayPort() throws Exception {
    try (TestServer server = relayPort()) {
      Run run = run(swaks(server.port(), "--tls"), "");
      assertQueued(run, server, "ESMTPS");
      assertTrue(run.output().contains("<-  220 2.0.0 Ready to start TLS"), run.output());
      assertTrue(run.output().contains("=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384"),
          run.output());
    }
  }

  @Test
  void swaksAuthPlainAndLoginOnSubmission() throws Exception {
    for (String mechanism : List.of("PLAIN", "LOGIN")) {
      try (TestServer server = submission()) {
        Run run = run(swaks(server.port(), "--tls", "--auth", mechanism, "--auth-user",
            OneLoginPolicy.USER, "--auth-password", OneLoginPolicy.PASSWORD), "");
        assertQueued(run, server, "ESMTPSA");
        assertTrue(run.output().contains("<~  235 2.7.0 Authentication successful"),
            run.output());
        assertEquals(Optional.of(OneLoginPolicy.CLIENT),
            server.sink.committed.get(0).envelope().client().clientName());
      }
    }
    try (TestServer server = submission()) {
      Run run = run(swaks(server.port(), "--tls", "--auth", "LOGIN", "--auth-user",
          OneLoginPolicy.USER, "--auth-password", "wrong"), "");
      assertTrue(run.exit() != 0, run.output());
      assertTrue(run.output().contains("<~* 535 5.7.8 Authentication credentials invalid"),
          run.output());
      assertEquals(0, server.sink.committed.size());
    }
  }

  @Test
  void swaksTlsOnConnectWithAuth() throws Exception {
    try (TestServer server = submissions()) {
      Run run = run(swaks(server.port(), "--tlsc", "--auth", "PLAIN", "--auth-user",
          OneLoginPolicy.USER, "--auth-password", OneLoginPolicy.PASSWORD), "");
      assertQueued(run, server, "ESMTPSA");
    }
    try (TestServer server = submission()) {
      Run run = run(swaks(server.port()), "");
      assertTrue(run.exit() != 0, run.output());
      assertTrue(run.output().contains("530 5.7.0 Must issue a STARTTLS command first"),
          run.output());
    }
  }

  private static final String DIALOG = "EHLO client.example\nMAIL FROM:<alice@client.example>\n"
      + "RCPT TO:<bob@example.org>\nDATA\nSubject: openssl\n\nhello\n.\nQUIT\n";

  @Test
  void opensslStartTlsAndImplicitTlsVerifyTheCertificate() throws Exception {
    try (TestServer server = relayPort()) {
      Run run = run(List.of("openssl", "s_client", "-starttls", "smtp", "-connect",
          "127.0.0.1:" + server.port(), "-CAfile", tls.certificateFile().toString(),
          "-verify_return_error", "-verify_hostname", "localhost", "-servername", "localhost",
          "-crlf", "-quiet"), DIALOG);
      assertTrue(run.output().contains("verify return:1"), run.output());
      assertTrue(run.output().contains("250 2.0.0 Ok: queued as"), run.output());
      assertTrue(run.output().contains("221 2.0.0 Bye"), run.output());
      assertEquals(1, server.sink.committed.size());
    }
    try (TestServer server = submissions()) {
      String auth = "EHLO client.example\nAUTH PLAIN " + java.util.Base64.getEncoder()
          .encodeToString(("\0" + OneLoginPolicy.USER + "\0" + OneLoginPolicy.PASSWORD)
              .getBytes(StandardCharsets.UTF_8)) + "\n";
      Run run = run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
          "-CAfile", tls.certificateFile().toString(), "-verify_return_error",
          "-verify_hostname", "localhost", "-servername", "localhost", "-crlf", "-quiet"),
          auth + DIALOG.substring(
              DIALOG.indexOf("MAIL")));
      assertTrue(run.output().contains("depth=0 CN = localhost\nverify return:1\n"
          + "220 relay.example ESMTP"), run.output());
      assertTrue(run.output().contains("235 2.7.0 Authentication successful"), run.output());
      assertTrue(run.output().contains("250 2.0.0 Ok: queued as"), run.output());
      assertEquals(1, server.sink.committed.size());
    }
  }

  private static Session mailSession(String protocol, int port, boolean startTls) {
    Properties props = new Properties();
    String p = "mail." + protocol + ".";
    props.put(p + "host", "localhost");
    props.put(p + "port", String.valueOf(port));
    props.put(p + "localhost", "app.client.example");
    props.put(p + "auth", "true");
    props.put(p + "ssl.socketFactory", tls.client.getSocketFactory());
    props.put(p + "ssl.checkserveridentity", "true");
    props.put(p + "connectiontimeout", "10000");
    props.put(p + "timeout", "10000");
    if (startTls) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");
    }
    return Session.getInstance(props);
  }

  private static void sendWithJakartaMail(Session session, String protocol) throws Exception {
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress("alice@client.example"));
    message.setRecipients(Message.RecipientType.TO, "bob@example.org");
    message.setSubject("submitted over " + protocol);
    message.setText("hello\n");
    try (Transport transport = session.getTransport(protocol)) {
      transport.connect(OneLoginPolicy.USER, OneLoginPolicy.PASSWORD);
      transport.sendMessage(message, message.getAllRecipients());
    }
  }

  @Test
  void jakartaMailSubmitsOverImplicitTlsAndOverStartTls() throws Exception {
    try (TestServer server = submissions()) {
      sendWithJakartaMail(mailSession("smtps", server.port(), false), "smtps");
      assertEquals(1, server.sink.committed.size());
      InMemoryMessageSink.Stored stored = server.sink.committed.get(0);
      assertEquals("ESMTPSA", stored.envelope().protocol());
      assertTrue(stored.content().contains("Subject: submitted over smtps"));
    }
    try (TestServer server = submission()) {
      sendWithJakartaMail(mailSession("smtp", server.port(), true), "smtp");
      assertEquals(1, server.sink.committed.size());
      assertEquals(Optional.of(OneLoginPolicy.CLIENT),
          server.sink.committed.get(0).envelope().client().clientName());
      assertEquals("ESMTPSA", server.sink.committed.get(0).envelope().protocol());
    }
  }
}

package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import relay.testing.ReceivedMessage;

/**
 * Real third-party SMTP clients send through the relay: swaks (with pipelining) and Postfix's
 * smtp-source (parallel sessions, several messages per connection). Both come from Debian's
 * packages; .ci/run installs them. Without them installed these tests are skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalClientsTest {

  private RelayFixture relay;

  @BeforeAll
  void start() throws Exception {
    relay = RelayFixture.create(RelayFixture.Storage.H2).start();
  }

  @AfterAll
  void stop() throws Exception {
    relay.close();
  }

  @Test
  void swaksWithPipelining() throws Exception {
    assumeTrue(onPath("swaks"), "swaks is not installed");
    String tag = UUID.randomUUID().toString();
    Output out = run(List.of("swaks", "--server", relay.smtp().getHostString() + ":" + relay.smtp().getPort(),
        "--pipeline", "--ehlo", "swaks.client.test", "--from", "swaks@sender.test",
        "--to", "frank@dest.test,grace@dest.test", "--header", "Subject: " + tag, "--body", "sent by swaks " + tag));
    assertEquals(0, out.exit(), out.text());
    assertTrue(out.text().contains("250 2.0.0 Ok: queued as"), out.text());
    assertTrue(relay.sink.awaitMessages(1, Duration.ofSeconds(30)));
    ReceivedMessage got = await(tag);
    assertEquals(List.of("frank@dest.test", "grace@dest.test"), got.recipients().stream().sorted().toList());
    assertEquals("swaks@sender.test", got.mailFrom());
  }

  @Test
  void smtpSourceParallelSessions() throws Exception {
    assumeTrue(onPath("smtp-source"), "Postfix's smtp-source is not installed");
    String subject = "smtp-source-" + UUID.randomUUID();
    Output out = run(List.of("smtp-source", "-s", "5", "-m", "200", "-d", "-l", "2048",
        "-M", "source.client.test", "-f", "source@sender.test", "-t", "sink@dest.test", "-S", subject,
        relay.smtp().getHostString() + ":" + relay.smtp().getPort()));
    assertEquals(0, out.exit(), out.text());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long arrived = 0;
    while (System.nanoTime() < deadline) {
      arrived = relay.sink.messages().stream().filter(m -> m.text().contains(subject)).count();
      if (arrived >= 200) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals(200, arrived, "all 200 messages from smtp-source arrive at the MX host");
  }

  private ReceivedMessage await(String tag) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (ReceivedMessage m : relay.sink.messages()) {
        if (m.text().contains(tag)) {
          return m;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("nothing with " + tag + " arrived");
  }

  private record Output(int exit, String text) {}

  private static Output run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] bytes = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished: " + command);
    return new Output(p.exitValue(), new String(bytes, StandardCharsets.UTF_8));
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, program).canExecute()) {
        return true;
      }
    }
    return false;
  }
}

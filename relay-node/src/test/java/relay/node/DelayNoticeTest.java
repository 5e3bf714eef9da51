package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Exactly one delay notice for 500 delayed messages of one client to one destination: a real
 * node (H2) takes 500 messages from the configured client for a destination whose server (the
 * real sink) answers 451 to every recipient; with a delay threshold of 3 s the queue reports the
 * client after each deferral past it (at most every 500 ms), and the notices entity sends one
 * notice for the client and destination in the period, however many reports come. Checked for
 * several retry rounds after the first notice.
 */
class DelayNoticeTest {

  private static final int MESSAGES = 500;
  private static final int SESSIONS = 5;

  @Test
  void fiveHundredDelayedMessagesMakeOneNotice() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2)) {
      relay.dns.mx("contacts.test", 10, "mx.contacts.test").a("mx.contacts.test", "127.0.0.2");
      relay.dns.mx("slow.test", 10, "mx.slow.test").a("mx.slow.test", "127.0.0.2");
      relay.with("relay.registry.import.contact = \"ops@contacts.test\"")
          .with("relay.notices { delay-threshold = 3s, delay-report-interval = 500ms }")
          .with("relay.queue.retry { initial = 1s, multiplier = 2.0, max-interval = 4s }")
          .start();
      long started = System.nanoTime();
      send(relay, MESSAGES);
      System.out.printf("delay notice: %d messages queued in %d ms%n", MESSAGES,
          (System.nanoTime() - started) / 1_000_000);

      List<NoticeMail> notices = NoticeMail.await(relay.sink,
          m -> m.subject().contains("mail to slow.test delayed"), 1, Duration.ofSeconds(60));
      System.out.printf("delay notice: first notice %d ms after the first message%n",
          (System.nanoTime() - started) / 1_000_000);
      NoticeMail notice = notices.get(0);
      assertEquals(List.of("ops@contacts.test"), notice.to());
      assertEquals("", notice.envelopeSender());
      assertEquals("[relay.test] test-app: mail to slow.test delayed", notice.subject());
      assertEquals("auto-generated", notice.autoSubmitted());
      assertTrue(notice.body().contains("451 4.3.0"), notice.body());
      Matcher waiting = Pattern.compile("Messages waiting for slow.test: +(\\d+)")
          .matcher(notice.body());
      assertTrue(waiting.find(), notice.body());
      int n = Integer.parseInt(waiting.group(1));
      System.out.println("delay notice: says " + n + " messages wait");
      assertTrue(n >= 1 && n <= MESSAGES, notice.body());

      int attemptsBefore = relay.sink.totalConnections();
      Thread.sleep(10_000); // retry rounds at 1, 3, 7, 11, 15 s..., reports every 500 ms
      assertTrue(relay.sink.totalConnections() > attemptsBefore, "still retrying meanwhile");
      assertEquals(1, NoticeMail.at(relay.sink,
          m -> m.subject().contains("delayed")).size(), "exactly one delay notice");
    }
  }

  /** {@code count} messages from the configured client, over {@link #SESSIONS} sessions. */
  private static void send(RelayFixture relay, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
    try {
      List<Future<Integer>> sessions = new ArrayList<>();
      for (int s = 0; s < SESSIONS; s++) {
        int first = s * (count / SESSIONS);
        sessions.add(pool.submit(() -> session(relay, first, count / SESSIONS)));
      }
      int accepted = 0;
      for (Future<Integer> f : sessions) {
        accepted += f.get();
      }
      assertEquals(count, accepted, "every message queued");
    } finally {
      pool.shutdownNow();
    }
  }

  private static int session(RelayFixture relay, int first, int count) throws Exception {
    int accepted = 0;
    try (SmtpDialog smtp = SmtpDialog.connect(relay.smtp())) {
      smtp.reply();
      smtp.command("EHLO app.client.test");
      for (int i = first; i < first + count; i++) {
        smtp.send("MAIL FROM:<app@sender.test>\r\nRCPT TO:<tempfail-" + i
            + "@slow.test>\r\nDATA\r\n");
        for (String expected : List.of("250", "250", "354")) {
          String reply = smtp.reply();
          assertTrue(reply.startsWith(expected), "message " + i + ": " + reply);
        }
        String reply = smtp.send("Subject: delayed " + i + "\r\n\r\nmessage " + i
            + "\r\n.\r\n").reply();
        assertTrue(reply.startsWith("250 2.0.0"), "message " + i + ": " + reply);
        accepted++;
      }
      smtp.command("QUIT");
    }
    return accepted;
  }
}

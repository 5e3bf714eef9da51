package relay.node;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends numbered messages through the relay over several SMTP sessions at once, several messages
 * per session, and records which numbers got "250 2.0.0 Ok: queued". Each message's subject is
 * "{@code <prefix> <n>}", so the sink side can count arrivals and duplicates per number.
 */
final class Injector {

  private final InetSocketAddress relay;
  private final String prefix;
  private final String recipientDomain;

  Injector(InetSocketAddress relay, String prefix, String recipientDomain) {
    this.relay = relay;
    this.prefix = prefix;
    this.recipientDomain = recipientDomain;
  }

  /** What happened: the numbers accepted with 250, and how many sends failed otherwise. */
  record Result(List<Integer> accepted, int failed) {}

  Result send(int messages, int sessions) throws Exception {
    List<Integer> accepted = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(sessions);
    List<Future<?>> running = new ArrayList<>();
    for (int s = 0; s < sessions; s++) {
      running.add(pool.submit(() -> {
        runSession(messages, next, accepted, failed);
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    pool.shutdown();
    return new Result(List.copyOf(accepted), failed.get());
  }

  private void runSession(int messages, AtomicInteger next, List<Integer> accepted, AtomicInteger failed) {
    while (next.get() < messages) {
      try (SmtpDialog smtp = SmtpDialog.connect(relay)) {
        if (!smtp.reply().startsWith("220")) {
          failed.incrementAndGet();
          return;
        }
        smtp.command("EHLO injector.test");
        for (int sentOnSession = 0; sentOnSession < 100; sentOnSession++) {
          int n = next.getAndIncrement();
          if (n >= messages) {
            break;
          }
          smtp.send("MAIL FROM:<load@sender.test>\r\nRCPT TO:<user" + (n % 50) + "@" + recipientDomain
              + ">\r\nDATA\r\n");
          boolean ok = smtp.reply().startsWith("250") & smtp.reply().startsWith("250")
              & smtp.reply().startsWith("354");
          if (!ok) {
            failed.incrementAndGet();
            return;
          }
          String queued = smtp.send("Subject: " + prefix + " " + n + "\r\n\r\nmessage " + n
              + "\r\n.\r\n").reply();
          if (queued.startsWith("250 2.0.0")) {
            accepted.add(n);
          } else {
            failed.incrementAndGet();
          }
        }
        smtp.command("QUIT");
      } catch (IOException e) {
        failed.incrementAndGet();
        return;
      }
    }
  }
}

package relay.node;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends numbered messages through the relay over several SMTP sessions at once, several messages
 * per session, and records which numbers got "250 2.0.0 Ok: queued". Each message's subject is
 * "{@code <prefix> <n>}", so the sink side can count arrivals and duplicates per number; message n
 * goes to a recipient in {@code domains[n % domains.size()]}.
 *
 * <p>With several nodes, session s starts on node {@code s % nodes}; when a node closes the
 * session (421) or the connection breaks or is refused, the session moves on to the next node, as
 * a client behind a load balancer would. A node that takes a connection and does not greet within
 * the read timeout (frozen) is skipped by every session for 30 s, as a load balancer's passive
 * health check would, unless every node is. A session ends when no node takes its connection.
 * Every reply other than the expected ones is recorded with the node that gave it.
 */
final class Injector {

  private final List<InetSocketAddress> nodes;
  private final String prefix;
  private final List<String> domains;
  private final List<Refusal> refusals = Collections.synchronizedList(new ArrayList<>());
  private final List<Integer> accepted = Collections.synchronizedList(new ArrayList<>());
  private final List<Integer> refusedAtEndOfData =
      Collections.synchronizedList(new ArrayList<>());
  private final List<Integer> unanswered = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean stopped = new AtomicBoolean();
  /** Nodes that accepted a connection and never greeted, skipped until (System.nanoTime). */
  private final Map<Integer, Long> silentUntil = new ConcurrentHashMap<>();
  private static final Duration SILENT_SKIP = Duration.ofSeconds(30);

  Injector(InetSocketAddress relay, String prefix, String recipientDomain) {
    this(List.of(relay), prefix, List.of(recipientDomain));
  }

  Injector(List<InetSocketAddress> nodes, String prefix, List<String> domains) {
    this.nodes = List.copyOf(nodes);
    this.prefix = prefix;
    this.domains = List.copyOf(domains);
  }

  /**
   * What happened: the numbers accepted with 250, how many sends failed otherwise, the numbers
   * whose end of data got a refusal (4xx or 5xx: the client keeps them, so none may be delivered)
   * and those whose end of data got no reply at all (the connection closed or broke: either way
   * is right).
   */
  record Result(List<Integer> accepted, int failed, List<Integer> refusedAtEndOfData,
      List<Integer> unanswered) {

    /** For the test's report. */
    String endOfDataReport(Arrivals arrivals) {
      return String.format("%d refused at the end of DATA, %d of them delivered; %d unanswered, "
          + "%d of them delivered", refusedAtEndOfData.size(),
          arrivals.refusedButDelivered(refusedAtEndOfData).size(), unanswered.size(),
          arrivals.arrivedOf(unanswered));
    }
  }

  /** A reply that was not the expected 2xx/3xx, and the node (index) that gave it. */
  record Refusal(int node, String reply) {}

  /** Messages accepted so far (while sending). */
  int acceptedCount() {
    return accepted.size();
  }

  /** Replies other than the expected ones so far, in order. */
  List<Refusal> refusals() {
    synchronized (refusals) {
      return List.copyOf(refusals);
    }
  }

  /** Makes {@link #send} finish after the messages in progress. */
  void stop() {
    stopped.set(true);
  }

  /** {@link #send} on a thread of its own; completes with its result. */
  CompletableFuture<Result> sendInBackground(int messages, int sessions) {
    CompletableFuture<Result> result = new CompletableFuture<>();
    Thread sender = new Thread(() -> {
      try {
        result.complete(send(messages, sessions));
      } catch (Exception | Error e) {
        result.completeExceptionally(e);
      }
    }, "injector-" + prefix);
    sender.setDaemon(true);
    sender.start();
    return result;
  }

  Result send(int messages, int sessions) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(sessions);
    List<Future<?>> running = new ArrayList<>();
    for (int s = 0; s < sessions; s++) {
      int first = s % nodes.size();
      running.add(pool.submit(() -> {
        runSession(first, messages, next, failed);
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    pool.shutdown();
    return new Result(List.copyOf(accepted), failed.get(), List.copyOf(refusedAtEndOfData),
        List.copyOf(unanswered));
  }

  private void runSession(int firstNode, int messages, AtomicInteger next, AtomicInteger failed) {
    int node = firstNode;
    int unreachableInARow = 0;
    while (next.get() < messages && !stopped.get() && unreachableInARow < nodes.size()) {
      if (silent(node) && !allSilent()) {
        node = (node + 1) % nodes.size();
        continue;
      }
      try (SmtpDialog smtp = SmtpDialog.connect(nodes.get(node))) {
        unreachableInARow = 0;
        String greeting;
        try {
          greeting = smtp.reply();
        } catch (SocketTimeoutException e) {
          silentUntil.put(node, System.nanoTime() + SILENT_SKIP.toNanos());
          throw e;
        }
        if (!greeting.startsWith("220")) {
          refused(node, greeting, failed);
        } else {
          sendOnSession(smtp, node, messages, next, failed);
        }
      } catch (IOException e) {
        unreachableInARow++;
      }
      node = (node + 1) % nodes.size();
    }
  }

  private boolean silent(int node) {
    Long until = silentUntil.get(node);
    return until != null && System.nanoTime() - until < 0;
  }

  private boolean allSilent() {
    for (int i = 0; i < nodes.size(); i++) {
      if (!silent(i)) {
        return false;
      }
    }
    return true;
  }

  /** Up to 100 messages on one connection; returns when the node closed it or all are sent. */
  private void sendOnSession(SmtpDialog smtp, int node, int messages, AtomicInteger next,
      AtomicInteger failed) throws IOException {
    String reply = smtp.command("EHLO injector.test");
    if (!reply.startsWith("250")) {
      refused(node, reply, failed);
      return;
    }
    for (int sentOnSession = 0; sentOnSession < 100 && !stopped.get(); sentOnSession++) {
      int n = next.getAndIncrement();
      if (n >= messages) {
        break;
      }
      smtp.send("MAIL FROM:<load@sender.test>\r\nRCPT TO:<user" + (n % 50) + "@"
          + domains.get(n % domains.size()) + ">\r\nDATA\r\n");
      for (String expected : List.of("250", "250", "354")) {
        reply = smtp.reply();
        if (!reply.startsWith(expected)) {
          refused(node, reply, failed);
          return;
        }
      }
      try {
        reply = smtp.send("Subject: " + prefix + " " + n + "\r\n\r\nmessage " + n
            + "\r\n.\r\n").reply();
      } catch (IOException e) {
        unanswered.add(n);
        throw e;
      }
      if (reply.startsWith("250 2.0.0")) {
        accepted.add(n);
      } else if (reply.equals("<closed>")) {
        unanswered.add(n);
        failed.incrementAndGet();
        return;
      } else {
        refusedAtEndOfData.add(n);
        refused(node, reply, failed);
        if (reply.startsWith("421")) {
          return;
        }
      }
    }
    smtp.command("QUIT");
  }

  private void refused(int node, String reply, AtomicInteger failed) {
    failed.incrementAndGet();
    refusals.add(new Refusal(node, reply));
  }
}

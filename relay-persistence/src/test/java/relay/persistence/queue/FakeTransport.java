package relay.persistence.queue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import relay.protocol.client.Deadline;
import relay.protocol.client.TlsPolicy;
import relay.protocol.reply.SmtpReply;

/**
 * A destination whose behaviour the test chooses, KumoMTA-sink style, by the recipient's local
 * part: {@code bounce*} 550 5.1.1, {@code defer*} always 451 4.2.0, {@code deferonce*} 451 on the
 * first attempt then 250, {@code crash*} makes deliver throw (a transport bug), anything else
 * 250. Counts connections (current and highest at once),
 * transactions, resets, and keeps every transaction with the body it read.
 */
final class FakeTransport implements DeliveryTransport {

  /** A destination none of whose mail exchangers answers: every message stays deferred. */
  static FakeTransport unreachable() {
    FakeTransport t = new FakeTransport();
    t.connectFailure = relay.protocol.reply.SmtpReply.of(451, "4.4.1",
        "No answer from any MX host");
    return t;
  }

  record Transaction(int connection, String queueId, String sender, List<String> recipients,
      byte[] body, Instant at) {}

  final AtomicInteger open = new AtomicInteger();
  final AtomicInteger maxOpen = new AtomicInteger();
  final AtomicInteger connects = new AtomicInteger();
  final AtomicInteger resets = new AtomicInteger();
  final List<Transaction> transactions = new CopyOnWriteArrayList<>();
  final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  volatile SmtpReply connectFailure;
  /** When set, every transaction fails with it as a destination that did not answer in time. */
  volatile SmtpReply stalled;
  final AtomicInteger deliverCalls = new AtomicInteger();
  volatile long deliverMillis;
  volatile CountDownLatch gate;

  static final SmtpReply OK = SmtpReply.of(250, "2.0.0", "Ok: queued");
  static final SmtpReply NO_USER = SmtpReply.of(550, "5.1.1", "No such user");
  static final SmtpReply LATER = SmtpReply.of(451, "4.2.0", "Try again later");

  @Override
  public Duration attemptTimeout() {
    return Duration.ofMinutes(1);
  }

  @Override
  public DeliveryConnection connect(String domain, TlsPolicy tls, Deadline deadline) throws DeliveryFailure {
    CountDownLatch g = gate;
    if (g != null) {
      try {
        g.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    SmtpReply failure = connectFailure;
    if (failure != null) {
      throw new DeliveryFailure(failure);
    }
    int id = connects.incrementAndGet();
    int now = open.incrementAndGet();
    maxOpen.accumulateAndGet(now, Math::max);
    return new Connection(id, "mx1." + domain);
  }

  SmtpReply replyFor(String recipient) {
    String local = recipient.substring(0, recipient.indexOf('@'));
    int n = attempts.computeIfAbsent(recipient, r -> new AtomicInteger()).incrementAndGet();
    if (local.startsWith("bounce")) {
      return NO_USER;
    } else if (local.startsWith("deferonce")) {
      return n == 1 ? LATER : OK;
    } else if (local.startsWith("defer")) {
      return LATER;
    }
    return OK;
  }

  List<Transaction> transactionsOf(String queueId) {
    return transactions.stream().filter(t -> t.queueId().equals(queueId)).toList();
  }

  List<String> deliveredTo(String queueId) {
    List<String> out = new ArrayList<>();
    for (Transaction t : transactionsOf(queueId)) {
      out.addAll(t.recipients());
    }
    return out;
  }

  private final class Connection implements DeliveryConnection {
    private final int id;
    private final String host;
    private volatile boolean closed;

    Connection(int id, String host) {
      this.id = id;
      this.host = host;
    }

    @Override
    public String remoteHost() {
      return host;
    }

    @Override
    public List<RecipientResult> deliver(DeliveryRequest request, InputStream body, Deadline deadline)
        throws DeliveryFailure {
      deliverCalls.incrementAndGet();
      SmtpReply stall = stalled;
      if (stall != null) {
        throw new DeliveryFailure(stall, true, null);
      }
      byte[] bytes;
      try {
        bytes = body.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (request.recipients().stream().anyMatch(r -> r.startsWith("crash"))) {
        throw new IllegalStateException("transport bug");
      }
      if (deliverMillis > 0) {
        try {
          Thread.sleep(deliverMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      transactions.add(new Transaction(id, request.queueId(), request.sender(),
          request.recipients(), bytes, Instant.now()));
      return request.recipients().stream().map(r -> new RecipientResult(r, replyFor(r))).toList();
    }

    @Override
    public void reset(Deadline deadline) {
      resets.incrementAndGet();
    }

    @Override
    public boolean isUsable() {
      return !closed;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        open.decrementAndGet();
      }
    }
  }
}

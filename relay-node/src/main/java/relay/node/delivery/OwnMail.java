package relay.node.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import relay.node.smtp.QueueIds;
import relay.persistence.queue.EnqueueOutcome;
import relay.persistence.queue.QueueGateway;
import relay.persistence.queue.QueuedMessage;
import relay.persistence.spool.Spool;
import relay.persistence.spool.SpoolWriter;

/**
 * Mail the relay writes itself (DSNs, notices to clients' contacts), submitted like a client's:
 * the bytes are spooled under a new queue id on the I/O executor, made durable for each
 * recipient domain, and enqueued in each domain's queue. Done when every domain's queue took
 * it; otherwise a failed stage, so the caller submits it again later. A domain whose queue
 * refused it gives up its spool reference at once; after an unknown outcome it may be queued,
 * so the reference stays (the orphan sweep reclaims it if not).
 */
public final class OwnMail {

  private final Spool spool;
  private final QueueGateway gateway;
  private final QueueIds ids;
  private final Executor io;

  public OwnMail(Spool spool, QueueGateway gateway, QueueIds ids, Executor io) {
    this.spool = spool;
    this.gateway = gateway;
    this.ids = ids;
    this.io = io;
  }

  /**
   * Submits {@code bytes} (a whole message, CRLF lines) from {@code sender} ("" = the null
   * reverse-path) to {@code recipients}; {@code what} names it in errors ("DSN for X").
   * Completes with the new message's queue id once every domain's queue took it.
   */
  public CompletionStage<String> submit(String sender, List<String> recipients, byte[] bytes,
      boolean utf8, Instant now, String what) {
    Map<String, List<String>> byDomain = new LinkedHashMap<>();
    for (String r : recipients) {
      byDomain.computeIfAbsent(r.substring(r.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT),
          d -> new ArrayList<>()).add(r);
    }
    return CompletableFuture.supplyAsync(() -> spooled(bytes, what), io)
        .thenCompose(writer -> writer.commit(byDomain.keySet()).thenCompose(durable -> {
          Map<String, CompletableFuture<EnqueueOutcome>> outcomes = new LinkedHashMap<>();
          byDomain.forEach((domain, rcpts) -> outcomes.put(domain, gateway.enqueue(domain,
              new QueuedMessage(writer.queueId(), sender, rcpts, bytes.length, now, utf8, utf8))
              .toCompletableFuture()));
          return CompletableFuture.allOf(outcomes.values().toArray(CompletableFuture[]::new))
              .thenApply(all -> accepted(writer.queueId(), what, outcomes));
        }));
  }

  private SpoolWriter spooled(byte[] bytes, String what) {
    try {
      SpoolWriter writer = spool.create(ids.next());
      try {
        writer.write(bytes, 0, bytes.length);
      } catch (IOException | RuntimeException e) {
        writer.abort();
        throw e;
      }
      return writer;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot spool the " + what, e);
    }
  }

  private String accepted(String queueId, String what,
      Map<String, CompletableFuture<EnqueueOutcome>> outcomes) {
    List<String> notTaken = new ArrayList<>();
    outcomes.forEach((domain, future) -> {
      EnqueueOutcome outcome = future.join();
      if (outcome instanceof EnqueueOutcome.Accepted) {
        return;
      }
      notTaken.add(domain + ": " + outcome);
      if (outcome instanceof EnqueueOutcome.Refused) {
        io.execute(() -> {
          try {
            spool.release(queueId, domain);
          } catch (IOException e) {
            // left for the orphan sweep: no queue refers to it
          }
        });
      }
    });
    if (notTaken.isEmpty()) {
      return queueId;
    }
    throw new CompletionException(new IllegalStateException(
        what + " (" + queueId + ") not queued: " + notTaken));
  }
}

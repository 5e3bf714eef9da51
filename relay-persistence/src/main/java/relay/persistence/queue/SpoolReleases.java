package relay.persistence.queue;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import relay.persistence.spool.Spool;

/**
 * Releases the spool entries (bodies) of a queue's finished messages, on the blocking executor,
 * never on the queue's thread; a failure is logged and leaves the body for the next recovery.
 */
final class SpoolReleases {

  private final Spool spool;
  private final String domain;
  private final Executor blocking;
  private final Logger log;

  SpoolReleases(Spool spool, String domain, Executor blocking, Logger log) {
    this.spool = spool;
    this.domain = domain;
    this.blocking = blocking;
    this.log = log;
  }

  /** Releases the body of a finished message. */
  CompletableFuture<Void> release(String queueId) {
    return onBlocking(() -> {
      spool.release(queueId, domain);
      return (Void) null;
    }).whenComplete((ok, err) -> {
      if (err != null) {
        log.warn("spool release of {} @ {} failed: {}", queueId, domain, err.toString());
      }
    });
  }

  /**
   * Looks up finished messages in the spool (one lookup for all) and releases those still
   * there: bodies a crash kept from being released. Completes with how many it released.
   */
  CompletableFuture<Integer> releaseLeftovers(List<String> finished, Object queue) {
    return onBlocking(() -> {
      Set<String> left = spool.existing(finished, domain);
      for (String queueId : left) {
        spool.release(queueId, domain);
      }
      return left.size();
    }).whenComplete((released, err) -> {
      if (err != null) {
        log.warn("spool check of {} finished messages of {} failed: {}", finished.size(), queue,
            err.toString());
      } else if (released > 0) {
        log.info("released {} spool entries of finished messages of {} that an earlier run had"
            + " not released", released, queue);
      }
    });
  }

  private <T> CompletableFuture<T> onBlocking(SpoolCall<T> call) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return call.run();
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  /** A blocking spool call. */
  @FunctionalInterface
  private interface SpoolCall<T> {
    T run() throws IOException;
  }
}

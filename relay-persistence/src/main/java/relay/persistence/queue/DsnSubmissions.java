package relay.persistence.queue;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Hands a queue's pending DSNs to the DSN port, each at most once at a time: a DSN whose
 * submission is still running is not submitted again (recovery and the retry timer both submit
 * every pending DSN).
 */
final class DsnSubmissions {

  private final DsnPort port;
  private final String domain;
  private final Set<String> running = new HashSet<>();

  DsnSubmissions(DsnPort port, String domain) {
    this.port = port;
    this.domain = domain;
  }

  /**
   * Submits the DSN unless its submission is running (then empty). Never throws: a port that
   * throws gives a failed stage.
   */
  Optional<CompletionStage<Done>> submit(PendingDsn dsn) {
    if (!running.add(dsn.dsnId())) {
      return Optional.empty();
    }
    try {
      return Optional.of(port.submit(dsn.request(domain)));
    } catch (RuntimeException e) {
      return Optional.of(CompletableFuture.failedFuture(e));
    }
  }

  /** The submission of {@code dsnId} ended (accepted or not). */
  void ended(String dsnId) {
    running.remove(dsnId);
  }

  void clear() {
    running.clear();
  }
}

package relay.persistence.queue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the HTTP API calls to look into and steer the delivery queues of the whole cluster, per
 * destination domain: a domain's queue is every sub-queue of it ({@link SubQueueId}) on every
 * node, and the answers aggregate them. Every change is recorded in the audit log with {@code
 * actor} (the token's name). A stage that fails (a node did not answer in time) may be retried:
 * every action is idempotent in effect (hold, release, retry now; a bounce bounces what is left).
 */
public interface QueueService {

  /** The operator's actions on a destination's queue; {@link #wireName} is the API's word. */
  enum Action {
    /** Hold: nothing is attempted; new mail is still accepted and queued. */
    SUSPEND,
    /** Release the hold: what waits is attempted at once. */
    RESUME,
    /** Every waiting message is attempted now, whatever its retry schedule said. */
    RETRY,
    /** Every waiting message is returned to its sender with a DSN (none for a null sender). */
    BOUNCE;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The outcome of an action: how many messages it touched. */
  record ActionDone(String domain, Action action, int affected) {}

  /**
   * Every destination that has a queue somewhere in the cluster, with messages waiting or held
   * by an operator, by domain.
   */
  CompletionStage<List<DestinationQueue>> destinations();

  /**
   * One destination with its first {@code messageLimit} messages (oldest first); empty when no
   * node holds a queue for it (or {@code domain} is not a domain).
   */
  CompletionStage<Optional<DestinationQueue>> destination(String domain, int messageLimit);

  /**
   * Applies {@code action} to every sub-queue of the domain and audits it; empty when no node
   * holds a queue for it, except for {@link Action#SUSPEND}, which holds the domain's queues
   * before any mail reaches them.
   *
   * @throws IllegalArgumentException (as a failed stage) when {@code domain} is not a domain
   */
  CompletionStage<Optional<ActionDone>> act(String domain, Action action, String actor);
}

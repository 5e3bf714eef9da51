package relay.http.metrics;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import relay.persistence.queue.QueueStatus;

/**
 * Port implemented by the node: the status of each destination queue that runs on this node now,
 * asked at scrape time (not pushed per message). A queue that does not answer in time is left
 * out; the stage never fails for one queue.
 */
public interface LocalQueues {

  /** No queues (a node without delivery, tests of the routes). */
  LocalQueues NONE = () -> CompletableFuture.completedFuture(List.of());

  CompletionStage<List<QueueStatus>> statuses();
}

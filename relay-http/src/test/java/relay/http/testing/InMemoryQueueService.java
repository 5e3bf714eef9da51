package relay.http.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import relay.persistence.queue.DeliveryQueue.OperatorHold;
import relay.persistence.queue.DestinationQueue;
import relay.persistence.queue.QueueService;
import relay.persistence.queue.ShapingSettings;
import relay.persistence.registry.RegistryService;

/**
 * TEST DOUBLE for route tests only: destinations in memory, set by the test. Actions change what
 * it reports as the real service would in effect (a hold, a bounce empties, a retry changes
 * nothing visible here) and are audited through the given registry; every call is recorded.
 * Queue behaviour itself is tested over real SMTP in relay-node.
 */
public final class InMemoryQueueService implements QueueService {

  /** One call of {@link #act}. */
  public record Acted(String domain, Action action, String actor) {}

  static final ShapingSettings SHAPING = new ShapingSettings(10, 100, 50, 600, 1);

  private final RegistryService audit;
  private final Map<String, DestinationQueue> queues = new TreeMap<>();
  private final List<Acted> calls = new ArrayList<>();

  public InMemoryQueueService(RegistryService audit) {
    this.audit = audit;
  }

  public synchronized void put(DestinationQueue q) {
    queues.put(q.domain(), q);
  }

  public synchronized List<Acted> calls() {
    return List.copyOf(calls);
  }

  @Override
  public synchronized CompletionStage<List<DestinationQueue>> destinations() {
    return done(List.copyOf(queues.values()));
  }

  @Override
  public synchronized CompletionStage<Optional<DestinationQueue>> destination(String domain,
      int messageLimit) {
    return done(Optional.ofNullable(queues.get(domain.toLowerCase(java.util.Locale.ROOT)))
        .map(q -> new DestinationQueue(q.domain(), q.messages(), q.recipients(), q.deferred(),
            q.inFlight(), q.oldest(), q.lastFailure(), q.hold(), q.subQueues(), q.shaping(),
            q.firstMessages().stream().limit(messageLimit).toList())));
  }

  @Override
  public synchronized CompletionStage<Optional<ActionDone>> act(String domain, Action action,
      String actor) {
    String d = domain.toLowerCase(java.util.Locale.ROOT);
    calls.add(new Acted(d, action, actor));
    DestinationQueue q = queues.get(d);
    if (q == null && action != Action.SUSPEND) {
      return done(Optional.empty());
    }
    if (q == null) {
      q = new DestinationQueue(d, 0, 0, 0, 0, Optional.empty(), Optional.empty(),
          Optional.empty(), 1, SHAPING, List.of());
    }
    int affected = q.messages();
    Optional<OperatorHold> hold = action == Action.SUSPEND
        ? Optional.of(new OperatorHold(actor, java.time.Instant.now()))
        : action == Action.RESUME ? Optional.empty() : q.hold();
    boolean bounced = action == Action.BOUNCE;
    queues.put(d, new DestinationQueue(d, bounced ? 0 : q.messages(),
        bounced ? 0 : q.recipients(), bounced ? 0 : q.deferred(), q.inFlight(), q.oldest(),
        q.lastFailure(), hold, q.subQueues(), q.shaping(),
        bounced ? List.of() : q.firstMessages()));
    ActionDone result = new ActionDone(d, action, affected);
    return audit.recordAction("queue-" + action.wireName(), d, affected + " messages", actor)
        .thenApply(r -> Optional.of(result));
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}

package relay.persistence.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import relay.persistence.queue.DeliveryQueue.ControlDone;
import relay.persistence.registry.RegistryResult;
import relay.persistence.registry.RegistryService;

/**
 * {@link QueueService} over the sharded {@link DeliveryQueue}s: every node's {@link
 * QueueDirectory} (found through the receptionist) reports the sub-queues running there; the
 * answers are merged per domain. An action goes to every running sub-queue of the domain (and,
 * for a suspend, to each configured one too, so that a destination can be held before its
 * first message); a bounce is repeated per sub-queue in batches of {@value #BOUNCE_BATCH} until
 * nothing is left, so no single journal write grows with the queue. Each action is then
 * recorded in the registry's audit log ({@link RegistryService#recordAction}).
 *
 * <p>A node whose directory does not answer within the timeout is left out (and logged): a list
 * may then miss that node's queues, and an action its sub-queues.
 *
 * <p>XXX: a hold is kept by each sub-queue: a sub-queue added later (sub-queues raised in the
 * shaping while the domain is held) starts unheld; suspend again after such a change.
 */
public final class ShardedQueueService implements QueueService {

  private static final Logger LOG = LoggerFactory.getLogger(ShardedQueueService.class);
  /** Messages bounced per command to one sub-queue (one journal write). */
  static final int BOUNCE_BATCH = 500;

  private final ActorSystem<?> system;
  private final QueueSettings settings;
  private final RegistryService audit;
  private final Duration timeout;

  ShardedQueueService(ActorSystem<?> system, QueueSettings settings, RegistryService audit,
      Duration timeout) {
    this.system = system;
    this.settings = settings;
    this.audit = audit;
    this.timeout = timeout;
  }

  /**
   * Starts this node's {@link QueueDirectory} and returns the service; {@code timeout} bounds
   * each ask (of a directory, of a queue).
   */
  public static QueueService start(ActorSystem<?> system, QueueSettings settings,
      RegistryService audit, Duration timeout) {
    system.systemActorOf(QueueDirectory.create(timeout), "relay-queue-directory",
        Props.empty());
    return new ShardedQueueService(system, settings, audit, timeout);
  }

  @Override
  public CompletionStage<List<DestinationQueue>> destinations() {
    return reports(Optional.empty(), 0).thenApply(reports -> {
      Map<String, List<QueueReport>> byDomain = new TreeMap<>();
      for (QueueReport r : reports) {
        byDomain.computeIfAbsent(r.domain(), d -> new ArrayList<>()).add(r);
      }
      return byDomain.values().stream().map(list -> merge(list, 0))
          .flatMap(Optional::stream).toList();
    });
  }

  @Override
  public CompletionStage<Optional<DestinationQueue>> destination(String domain,
      int messageLimit) {
    Optional<String> d = canonical(domain);
    if (d.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return reports(d, messageLimit).thenApply(list -> merge(list, messageLimit));
  }

  @Override
  public CompletionStage<Optional<ActionDone>> act(String domain, Action action, String actor) {
    Optional<String> d = canonical(domain);
    if (d.isEmpty()) {
      return action == Action.SUSPEND
          ? CompletableFuture.failedFuture(new IllegalArgumentException("not a domain: " + domain))
          : CompletableFuture.completedFuture(Optional.empty());
    }
    return reports(d, 0).thenCompose(running -> {
      Set<Integer> targets = new TreeSet<>();
      running.forEach(r -> targets.add(r.subQueue()));
      if (action == Action.SUSPEND) {
        for (int i = 0; i < settings.shapingFor(d.get()).subQueues(); i++) {
          targets.add(i);
        }
      } else if (running.stream().allMatch(QueueReport::idle)) {
        return CompletableFuture.completedFuture(Optional.<ActionDone>empty());
      }
      List<CompletableFuture<Integer>> each = new ArrayList<>();
      for (int index : targets) {
        each.add(apply(new SubQueueId(d.get(), index), action, actor));
      }
      return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
          .thenApply(ok -> each.stream().mapToInt(CompletableFuture::join).sum())
          .thenCompose(affected -> audited(new ActionDone(d.get(), action, affected), actor,
              targets.size()))
          .thenApply(Optional::of);
    });
  }

  private CompletableFuture<Integer> apply(SubQueueId queue, Action action, String actor) {
    switch (action) {
      case SUSPEND:
        return control(queue, r -> new DeliveryQueue.Hold(actor, r)).thenApply(ControlDone::affected);
      case RESUME:
        return control(queue, r -> new DeliveryQueue.Release(actor, r))
            .thenApply(ControlDone::affected);
      case RETRY:
        return control(queue, DeliveryQueue.RetryNow::new).thenApply(ControlDone::affected);
      default:
        return bounce(queue, 0);
    }
  }

  /** Bounces batch after batch until the sub-queue has nothing left outside attempts. */
  private CompletableFuture<Integer> bounce(SubQueueId queue, int sofar) {
    return control(queue, r -> new DeliveryQueue.BounceAll(BOUNCE_BATCH, r)).thenCompose(done ->
        done.remaining() > 0 && done.affected() > 0 ? bounce(queue, sofar + done.affected())
            : CompletableFuture.completedFuture(sofar + done.affected()));
  }

  private CompletableFuture<ControlDone> control(SubQueueId queue,
      Function<ActorRef<ControlDone>, DeliveryQueue.Command> command) {
    return ClusterSharding.get(system).entityRefFor(DeliveryQueue.TYPE_KEY, queue.entityId())
        .<ControlDone>ask(command::apply, timeout).toCompletableFuture();
  }

  private CompletableFuture<ActionDone> audited(ActionDone done, String actor, int subQueues) {
    String verb = auditAction(done.action());
    return audit.recordAction(verb, done.domain(), done.affected() + " messages, " + subQueues
            + " sub-queue(s)", actor).toCompletableFuture()
        .thenApply(result -> {
          if (!(result instanceof RegistryResult.Ok<?>)) {
            LOG.warn("queue {} of {} by {} not audited: {}", done.action().wireName(),
                done.domain(), actor, result);
          }
          return done;
        });
  }

  /** The audit log's action name. */
  private static String auditAction(Action action) {
    switch (action) {
      case SUSPEND:
        return "queue-suspended";
      case RESUME:
        return "queue-resumed";
      case RETRY:
        return "queue-retried";
      default:
        return "queue-bounced";
    }
  }

  /** The reports of every node's directory; a node that does not answer is left out. */
  private CompletableFuture<List<QueueReport>> reports(Optional<String> domain,
      int messageLimit) {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
            replyTo -> Receptionist.find(QueueDirectory.KEY, replyTo), timeout,
            system.scheduler())
        .toCompletableFuture()
        .thenCompose(listing -> {
          List<CompletableFuture<List<QueueReport>>> asks = new ArrayList<>();
          for (ActorRef<QueueDirectory.Command> dir : listing.getServiceInstances(
              QueueDirectory.KEY)) {
            asks.add(AskPattern.<QueueDirectory.Command, QueueDirectory.Listed>ask(dir,
                    replyTo -> new QueueDirectory.ListQueues(domain, messageLimit, replyTo),
                    timeout.multipliedBy(2), system.scheduler())
                .toCompletableFuture().thenApply(QueueDirectory.Listed::reports)
                .exceptionally(e -> {
                  LOG.warn("queue directory {} did not answer: {}", dir.path().address(),
                      e.toString());
                  return List.of();
                }));
          }
          return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
              .thenApply(ok -> asks.stream().flatMap(a -> a.join().stream()).toList());
        });
  }

  /** The sub-queues' reports as one destination; empty when none holds mail or a hold. */
  private Optional<DestinationQueue> merge(List<QueueReport> reports, int messageLimit) {
    if (reports.isEmpty() || reports.stream().allMatch(QueueReport::idle)) {
      return Optional.empty();
    }
    List<QueueReport> sorted = reports.stream()
        .sorted(Comparator.comparingInt(QueueReport::subQueue)).toList();
    String domain = sorted.get(0).domain();
    List<PendingMessage> first = sorted.stream().flatMap(r -> r.messages().stream())
        .sorted(Comparator.comparing(PendingMessage::receivedAt)).limit(messageLimit).toList();
    return Optional.of(new DestinationQueue(domain,
        sorted.stream().mapToInt(QueueReport::pendingMessages).sum(),
        sorted.stream().mapToLong(QueueReport::pendingRecipients).sum(),
        sorted.stream().mapToInt(QueueReport::deferredMessages).sum(),
        sorted.stream().mapToInt(QueueReport::inFlight).sum(),
        sorted.stream().flatMap(r -> r.oldest().stream()).min(Comparator.naturalOrder()),
        sorted.stream().flatMap(r -> r.lastFailure().stream()).findFirst(),
        sorted.stream().flatMap(r -> r.hold().stream()).findFirst(),
        sorted.size(), settings.shapingFor(domain), first));
  }

  private static Optional<String> canonical(String domain) {
    try {
      return Optional.of(SubQueueId.whole(domain).domain());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}

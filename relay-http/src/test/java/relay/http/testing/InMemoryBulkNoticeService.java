package relay.http.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import relay.persistence.quota.BulkNotice;
import relay.persistence.quota.BulkNoticeService;
import relay.persistence.quota.NoticeRules;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.RegistryResult;
import relay.persistence.registry.RegistryService;

/**
 * TEST DOUBLE: a {@link BulkNoticeService} in memory, for route tests of status codes and bodies.
 * It refuses what the quota entity refuses (the same {@link NoticeRules}, a window of at most 31
 * days, at most 3 notices per client not over yet), knows the clients of {@code registry}, and
 * counts its changes. The entity itself (persistence, the quota raise) is tested in
 * relay-persistence and on a running node.
 */
public final class InMemoryBulkNoticeService implements BulkNoticeService {

  public static final int MAX_PER_CLIENT = 3;

  private final RegistryService registry;
  private final Clock clock;
  private final List<BulkNotice> notices = new ArrayList<>();

  public InMemoryBulkNoticeService(RegistryService registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** How many notices were recorded: a refused request must leave it as it was. */
  public synchronized int count() {
    return notices.size();
  }

  @Override
  public CompletionStage<RegistryResult<BulkNotice>> post(ClientId client,
      long expectedRecipients, Instant from, Instant until, Optional<String> note,
      boolean raiseQuota, String actor) {
    return registry.client(client).thenApply(found -> {
      if (!(found instanceof RegistryResult.Ok)) {
        return new RegistryResult.NotFound<>("no client " + client.value());
      }
      synchronized (this) {
        Instant now = clock.instant();
        Optional<String> problem = NoticeRules.problem(expectedRecipients, from, until, note, now,
            Duration.ofDays(31));
        if (problem.isPresent()) {
          return new RegistryResult.Invalid<>(problem.get());
        }
        if (current(client, now).size() >= MAX_PER_CLIENT) {
          return new RegistryResult.Conflict<>("client " + client.value()
              + " has its maximum of " + MAX_PER_CLIENT + " bulk notices not over yet");
        }
        long posted = notices.stream().filter(n -> n.client().equals(client.value())).count();
        BulkNotice notice = new BulkNotice(client.value() + "-" + (posted + 1), client.value(),
            expectedRecipients, from, until, note, raiseQuota, actor, now);
        notices.add(notice);
        return RegistryResult.ok(notice);
      }
    });
  }

  @Override
  public CompletionStage<RegistryResult<List<BulkNotice>>> forClient(ClientId client) {
    return registry.client(client).thenApply(found -> found instanceof RegistryResult.Ok
        ? RegistryResult.ok(current(client, clock.instant()))
        : new RegistryResult.NotFound<>("no client " + client.value()));
  }

  @Override
  public synchronized CompletionStage<RegistryResult<List<BulkNotice>>> all() {
    Instant now = clock.instant();
    return CompletableFuture.completedFuture(RegistryResult.ok(notices.stream()
        .filter(n -> n.until().isAfter(now))
        .sorted(Comparator.comparing(BulkNotice::from).thenComparing(BulkNotice::id)).toList()));
  }

  private synchronized List<BulkNotice> current(ClientId client, Instant now) {
    return notices.stream().filter(n -> n.client().equals(client.value()))
        .filter(n -> n.until().isAfter(now))
        .sorted(Comparator.comparing(BulkNotice::from)).toList();
  }
}

package relay.persistence.quota;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.RegistryResult;
import relay.persistence.registry.RegistryView;

/**
 * {@link BulkNoticeService} over the clients' {@link QuotaEntity}s (where notices are kept, next
 * to the counts they raise) and this node's registry view (which clients exist). Listing every
 * notice asks each registered client's entity, all at once: an operator's read, not a hot path.
 * XXX: with thousands of clients that starts (recovers) every entity; a projection of the
 * Noticed events into a table would answer it without.
 */
public final class EntityBulkNoticeService implements BulkNoticeService {

  private final Function<String, EntityRef<QuotaEntity.Command>> entities;
  private final RegistryView view;
  private final Duration askTimeout;

  public EntityBulkNoticeService(Function<String, EntityRef<QuotaEntity.Command>> entities,
      RegistryView view, Duration askTimeout) {
    this.entities = entities;
    this.view = view;
    this.askTimeout = askTimeout;
  }

  /** Over the QuotaEntity sharding of {@code system} (started by {@link QuotaLeases#start}). */
  public static EntityBulkNoticeService of(ActorSystem<?> system, RegistryView view,
      QuotaSettings settings) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return new EntityBulkNoticeService(c -> sharding.entityRefFor(QuotaEntity.TYPE_KEY, c), view,
        settings.askTimeout());
  }

  @Override
  public CompletionStage<RegistryResult<BulkNotice>> post(ClientId client,
      long expectedRecipients, Instant from, Instant until, Optional<String> note,
      boolean raiseQuota, String actor) {
    if (view.current().client(client).isEmpty()) {
      return CompletableFuture.completedFuture(notFound(client));
    }
    CompletionStage<QuotaEntity.NoticeReply> reply = entities.apply(client.value()).ask(
        replyTo -> new QuotaEntity.PostNotice(expectedRecipients, from, until, note, raiseQuota,
            actor, replyTo), askTimeout);
    return reply.thenApply(r -> {
      if (r instanceof QuotaEntity.NoticePosted posted) {
        return RegistryResult.ok(posted.notice());
      }
      QuotaEntity.NoticeRefused refused = (QuotaEntity.NoticeRefused) r;
      return refused.full() ? new RegistryResult.Conflict<>(refused.detail())
          : new RegistryResult.Invalid<>(refused.detail());
    });
  }

  @Override
  public CompletionStage<RegistryResult<List<BulkNotice>>> forClient(ClientId client) {
    if (view.current().client(client).isEmpty()) {
      return CompletableFuture.completedFuture(notFound(client));
    }
    return notices(client).thenApply(RegistryResult::ok);
  }

  @Override
  public CompletionStage<RegistryResult<List<BulkNotice>>> all() {
    List<CompletableFuture<List<BulkNotice>>> asks = new ArrayList<>();
    view.current().clients().forEach(c -> asks.add(notices(c.id()).toCompletableFuture()));
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<BulkNotice> all = new ArrayList<>();
      asks.forEach(a -> all.addAll(a.join()));
      all.sort(Comparator.comparing(BulkNotice::from).thenComparing(BulkNotice::id));
      return RegistryResult.ok(List.copyOf(all));
    });
  }

  private CompletionStage<List<BulkNotice>> notices(ClientId client) {
    CompletionStage<QuotaEntity.Notices> reply = entities.apply(client.value())
        .ask(QuotaEntity.GetNotices::new, askTimeout);
    return reply.thenApply(QuotaEntity.Notices::notices);
  }

  private static <T> RegistryResult<T> notFound(ClientId client) {
    return new RegistryResult.NotFound<>("no client " + client.value());
  }
}

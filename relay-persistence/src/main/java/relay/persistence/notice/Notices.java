package relay.persistence.notice;

import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import relay.persistence.queue.DelayReport;
import relay.persistence.queue.DelayWatch;
import relay.persistence.registry.BlockListener;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.RegistryService;
import relay.persistence.registry.RegistryView;

/**
 * The notices as a node runs them, started by {@link #start} on every node: the {@link
 * NoticeEntity} as a Cluster Singleton (its proxy here), and what feeds it: the registry's
 * {@link BlockListener}, the queues' {@link DelayWatch}, and the {@link NoticeService} of the
 * API. Each sender only tells the one entity; the entity decides.
 */
public final class Notices {

  private final NoticeSettings settings;
  private final ActorRef<NoticeEntity.Command> entity;

  private Notices(NoticeSettings settings, ActorRef<NoticeEntity.Command> entity) {
    this.settings = settings;
    this.entity = entity;
  }

  /** Once per ActorSystem; {@code port} submits the notices (on the singleton's node). */
  public static Notices start(ActorSystem<?> system, NoticeSettings settings, Clock clock,
      NoticePort port) {
    return new Notices(settings, ClusterSingleton.get(system).init(
        SingletonActor.of(NoticeEntity.create(settings, clock, port), "relay-notices")));
  }

  /** For the registry: a block change goes to the entity. */
  public BlockListener blockListener() {
    return change -> entity.tell(new NoticeEntity.BlockChanged(change));
  }

  /**
   * For the queues: a report goes to the entity with the client as {@code registry} knows it
   * on the queue's node; a client no longer registered gets no notice.
   */
  public DelayWatch delayWatch(RegistryView registry) {
    if (settings.delayThreshold().isZero()) {
      return DelayWatch.OFF;
    }
    return new DelayWatch(settings.delayThreshold(), settings.delayReportInterval(),
        (DelayReport r) -> registry.current().client(new ClientId(r.client()))
            .ifPresent(c -> entity.tell(new NoticeEntity.Delayed(r, c))));
  }

  /** For the API: announcements, audited in {@code registry}, to clients in {@code view}. */
  public NoticeService service(ActorSystem<?> system, RegistryView view,
      RegistryService registry) {
    return new EntityNoticeService(system, entity, view, registry, settings.askTimeout());
  }

  public ActorRef<NoticeEntity.Command> entity() {
    return entity;
  }
}

package relay.persistence.lockout;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import relay.persistence.registry.RegistryService;
import relay.persistence.registry.RegistryView;

/**
 * The login lockout as a node runs it, started by {@link #start} on every node: the {@link
 * LoginFailureEntity} as a Cluster Singleton (its proxy here) that counts the failures every
 * node reports, and this node's registry view, where the lockouts arrive as blocks.
 */
public final class LoginLockout implements LoginFailures {

  private static final Logger LOG = LoggerFactory.getLogger(LoginLockout.class);

  private final ActorSystem<?> system;
  private final LockoutSettings settings;
  private final ActorRef<LoginFailureEntity.Command> entity;
  private final RegistryView view;
  private final Clock clock;

  private LoginLockout(ActorSystem<?> system, LockoutSettings settings,
      ActorRef<LoginFailureEntity.Command> entity, RegistryView view, Clock clock) {
    this.system = system;
    this.settings = settings;
    this.entity = entity;
    this.view = view;
    this.clock = clock;
  }

  /**
   * Once per ActorSystem; lockout blocks are made through {@code registry}, and read from
   * {@code view} (this node's).
   */
  public static LoginLockout start(ActorSystem<?> system, LockoutSettings settings, Clock clock,
      RegistryService registry, RegistryView view) {
    return new LoginLockout(system, settings, ClusterSingleton.get(system).init(
        SingletonActor.of(LoginFailureEntity.create(settings, clock, registry, view),
            "relay-login-failures")), view, clock);
  }

  @Override
  public CompletionStage<Optional<Instant>> failed(String ip) {
    return AskPattern.<LoginFailureEntity.Command, LoginFailureEntity.Counted>ask(entity,
            replyTo -> new LoginFailureEntity.RecordFailure(ip, replyTo), settings.askTimeout(),
            system.scheduler())
        .handle((counted, failure) -> {
          if (failure != null) {
            LOG.warn("failed login from {} not counted (no answer within {}): {}", ip,
                settings.askTimeout(), failure.toString());
            return Optional.<Instant>empty();
          }
          return counted.lockedUntil();
        });
  }

  @Override
  public Optional<Instant> lockedUntil(String ip) {
    return Lockouts.active(view.current(), ip, clock.instant()).flatMap(b -> b.until());
  }
}

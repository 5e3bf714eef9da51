package relay.persistence.client;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import relay.persistence.OnReplyingThread;
import relay.protocol.server.SessionSlot;

/**
 * The node's way to the cluster-wide session count: {@link #acquire} a slot for a new
 * connection of a registered client, release it through the returned {@link SessionSlot}.
 * Per connection this costs one ask to the node's {@link SessionSlotHolder} (which sends one
 * message to the client's {@link ClientEntity}) and one tell on release.
 *
 * <p>Thread-safe; one instance per node.
 */
public final class ClientSessions {

  private final ActorSystem<?> system;
  private final ActorRef<SessionSlotHolder.Command> holder;
  private final ClientSessionSettings settings;
  private final AtomicLong nextSlot = new AtomicLong();

  private ClientSessions(ActorSystem<?> system, ActorRef<SessionSlotHolder.Command> holder,
      ClientSessionSettings settings) {
    this.system = system;
    this.holder = holder;
    this.settings = settings;
  }

  /** Starts the {@link ClientEntity} sharding and this node's {@link SessionSlotHolder}. */
  public static ClientSessions start(ActorSystem<?> system, ClientSessionSettings settings) {
    ClientEntity.init(system, settings);
    ClusterSharding sharding = ClusterSharding.get(system);
    ActorRef<SessionSlotHolder.Command> holder = system.systemActorOf(
        SessionSlotHolder.create(client -> sharding.entityRefFor(ClientEntity.TYPE_KEY, client),
            settings),
        "client-session-slots", Props.empty());
    return new ClientSessions(system, holder, settings);
  }

  /**
   * Asks for one session slot of {@code client} under the limit {@code maxSessions}. Completes
   * with the slot (release it when the connection ends), empty when the client is at its limit,
   * or fails ({@link SlotUnavailableException}) when no verdict came within {@code
   * acquire-timeout}; then nothing is held (a late grant is given back).
   */
  public CompletionStage<Optional<SessionSlot>> acquire(String client, int maxSessions) {
    long id = nextSlot.incrementAndGet();
    CompletionStage<SessionSlotHolder.Outcome> outcome = AskPattern.ask(holder,
        replyTo -> new SessionSlotHolder.Acquire(client, id, maxSessions, replyTo),
        settings.acquireTimeout(), system.scheduler());
    return outcome.handleAsync((verdict, error) -> {
      if (verdict == SessionSlotHolder.Outcome.GRANTED) {
        return Optional.<SessionSlot>of(releaseOnce(id));
      }
      if (verdict == SessionSlotHolder.Outcome.LIMIT_REACHED) {
        return Optional.<SessionSlot>empty();
      }
      holder.tell(new SessionSlotHolder.Release(id)); // a grant may still be on its way
      throw new SlotUnavailableException(client, error);
    }, OnReplyingThread.EXECUTOR);
  }

  private SessionSlot releaseOnce(long id) {
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        holder.tell(new SessionSlotHolder.Release(id));
      }
    };
  }

  /** The session count of a client could not be consulted in time. */
  public static final class SlotUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SlotUnavailableException(String client, Throwable cause) {
      super("no session slot verdict for client " + client
          + (cause == null ? ": unavailable" : ": " + cause), cause);
    }
  }

}

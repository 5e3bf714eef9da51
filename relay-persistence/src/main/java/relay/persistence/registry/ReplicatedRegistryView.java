package relay.persistence.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import relay.persistence.CborSerializable;

/**
 * This node's {@link RegistryView}: an actor subscribes to the registry's Distributed Data
 * buckets ({@link RegistryPublisher#KEYS}) and, on every change the Replicator reports (every notify-subscribers-interval at most), builds a new {@link
 * RegistrySnapshot} and swaps it in. Readers only read a volatile field.
 *
 * <p>It starts {@link RegistrySnapshot#EMPTY}: the replicas are in memory only, so after a full
 * cluster restart the view fills once the registry entity has recovered and published (seconds
 * after the cluster forms). It is {@link #complete()} once every bucket has arrived at least
 * once: the publisher writes all of them after each recovery (empty ones too) and a bucket is
 * never deleted, so a node that joins later gets each of them by gossip. Until then the checks at
 * connect answer an address they do not know with a temporary 421, not as unregistered.
 */
public final class ReplicatedRegistryView implements RegistryView {

  private volatile RegistrySnapshot current = RegistrySnapshot.EMPTY;
  /** Every bucket has arrived at least once; set after the snapshot that has them all. */
  private volatile boolean complete;
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  private final ActorSystem<?> system;

  private ReplicatedRegistryView(ActorSystem<?> system) {
    this.system = system;
  }

  /** Starts this node's view (one per ActorSystem: the actor's name is fixed). */
  public static ReplicatedRegistryView start(ActorSystem<?> system) {
    ReplicatedRegistryView view = new ReplicatedRegistryView(system);
    system.systemActorOf(view.subscriber(), "relay-registry-view", Props.empty());
    return view;
  }

  @Override
  public RegistrySnapshot current() {
    return current;
  }

  @Override
  public boolean complete() {
    return complete;
  }

  /**
   * Completes with the view's snapshot once {@code condition} holds for it, or with the snapshot
   * of the moment when {@code timeout} passed (the caller decides what a stale view means).
   */
  public CompletionStage<RegistrySnapshot> when(Predicate<RegistrySnapshot> condition,
      Duration timeout) {
    RegistrySnapshot now = current;
    if (condition.test(now) || timeout.isZero()) {
      return CompletableFuture.completedFuture(now);
    }
    Waiter waiter = new Waiter(condition, new CompletableFuture<>());
    waiters.add(waiter);
    if (condition.test(current)) { // swapped between the first test and the add
      waiter.done().complete(current);
    }
    system.scheduler().scheduleOnce(timeout, () -> waiter.done().complete(current),
        system.executionContext());
    waiter.done().whenComplete((s, e) -> waiters.remove(waiter));
    return waiter.done();
  }

  private record Waiter(Predicate<RegistrySnapshot> condition,
      CompletableFuture<RegistrySnapshot> done) {}

  /** Swaps in {@code snapshot}; {@code whole}: it holds every bucket (complete from now on). */
  private void swap(RegistrySnapshot snapshot, boolean whole) {
    current = snapshot;
    if (whole) {
      complete = true; // after current: whoever reads complete first gets a whole snapshot
    }
    for (Waiter w : waiters) {
      if (w.condition().test(snapshot)) {
        w.done().complete(snapshot);
      }
    }
  }

  // ---------------------------------------------------------------- the subscriber

  /** A bucket's entries changed ({@code null}: the bucket was deleted). */
  private record BucketChanged(String key, Map<String, CborSerializable> entries) {}

  private Behavior<BucketChanged> subscriber() {
    return DistributedData.<BucketChanged, LWWMap<String, CborSerializable>>
        withReplicatorMessageAdapter(adapter -> {
          // The bucket comes from the response, not from the loop: the adapter may map every
          // key's responses with the function given last.
          for (Key<LWWMap<String, CborSerializable>> key : RegistryPublisher.KEYS) {
            adapter.subscribe(key, r -> new BucketChanged(r.key().id(),
                r instanceof Replicator.Changed<LWWMap<String, CborSerializable>> changed
                    ? changed.dataValue().getEntries() : null));
          }
          return following(Map.of());
        });
  }

  /** The latest entries of every bucket seen so far. */
  private Behavior<BucketChanged> following(Map<String, Map<String, CborSerializable>> buckets) {
    return Behaviors.receive(BucketChanged.class)
        .onMessage(BucketChanged.class, c -> {
          Map<String, Map<String, CborSerializable>> now = new HashMap<>(buckets);
          if (c.entries() == null) {
            now.remove(c.key());
          } else {
            now.put(c.key(), c.entries());
          }
          List<ClientRecord> clients = new ArrayList<>();
          List<Block> blocks = new ArrayList<>();
          List<ApiToken> tokens = new ArrayList<>();
          List<Credential> credentials = new ArrayList<>();
          now.values().forEach(entries -> entries.values().forEach(v -> {
            if (v instanceof ClientRecord client) {
              clients.add(client);
            } else if (v instanceof Block block) {
              blocks.add(block);
            } else if (v instanceof ApiToken token) {
              tokens.add(token);
            } else if (v instanceof Credential credential) {
              credentials.add(credential);
            }
          }));
          // a bucket is never deleted: once all of them came, the view is whole for good
          swap(new RegistrySnapshot(clients, blocks, tokens, credentials),
              now.size() == RegistryPublisher.BUCKETS);
          return following(now);
        })
        .build();
  }
}

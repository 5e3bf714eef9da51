package relay.persistence.registry;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.slf4j.Logger;
import relay.persistence.CborSerializable;

/**
 * Writes the registry entity's state into Distributed Data, where every node's {@link
 * ReplicatedRegistryView} reads it: {@value #BUCKETS} {@link LWWMap}s ({@link #KEYS}) holding
 * clients under "c:" + id, blocks under "b:" + id, API tokens (their hashes) under "t:" + id and
 * SMTP AUTH credentials (their Argon2id hashes) under "k:" + id, each entry in the bucket its key
 * hashes to.
 * Buckets keep each replicated value well under Artery's frame size (256 KiB), which bounds what
 * one Distributed Data entry may hold; one value type lets one actor handle all of them.
 *
 * <p>Each {@link Publish} makes the buckets equal to the state: the first one of this publisher
 * (after the entity's recovery) rewrites every bucket, putting entries that differ and removing
 * those the state does not have (what an earlier incarnation left); later ones touch only the
 * buckets of the entries that changed since the previous publish, so only changes travel.
 * Writes go to every node ({@code WriteAll}, relay.registry.write-timeout); a node that does not
 * acknowledge in time gets the change by gossip. While writes are outstanding, newer publishes
 * are folded into one (only the latest state matters).
 *
 * <p><b>Clock.</b> Entries are stamped with at least the event's sequence number (and always
 * more than the entry's current stamp), not the wall clock: the singleton may move to a node
 * whose clock is behind, and its newer writes must still win over the old incarnation's.
 */
public final class RegistryPublisher {

  /** Number of Distributed Data entries the registry is spread over; fixed for the cluster. */
  public static final int BUCKETS = 64;

  public static final List<Key<LWWMap<String, CborSerializable>>> KEYS = IntStream
      .range(0, BUCKETS).mapToObj(i -> LWWMapKey.<String, CborSerializable>create(
          "relay-registry-" + i)).toList();

  private RegistryPublisher() {}

  /** The bucket of an entry key ("c:shop", "b:b7"). */
  static int bucket(String entryKey) {
    return Math.floorMod(entryKey.hashCode(), BUCKETS);
  }

  /**
   * The entity's whole state, as entries: "c:" + client id, "b:" + block id, "t:" + token id,
   * "k:" + credential id.
   */
  static Map<String, CborSerializable> entries(Publish p) {
    Map<String, CborSerializable> all = new HashMap<>(p.clients().size() + p.blocks().size()
        + p.tokens().size() + p.credentials().size());
    p.clients().forEach((id, c) -> all.put("c:" + id, c));
    p.blocks().forEach((id, b) -> all.put("b:" + id, b));
    p.tokens().forEach((id, t) -> all.put("t:" + id, t));
    p.credentials().forEach((id, k) -> all.put("k:" + id, k));
    return all;
  }

  public sealed interface Command permits Publish, Written {}

  /** The entity's whole state after event {@code sequenceNr}. */
  public record Publish(Map<String, ClientRecord> clients, Map<String, Block> blocks,
      Map<String, ApiToken> tokens, Map<String, Credential> credentials, long sequenceNr)
      implements Command, CborSerializable {}

  /** A bucket's write finished (acknowledged by all, or left to gossip). */
  record Written(boolean complete) implements Command {}

  public static Behavior<Command> create(Duration writeTimeout) {
    return Behaviors.setup(context -> DistributedData.<Command, LWWMap<String, CborSerializable>>
        withReplicatorMessageAdapter(adapter -> new Writer(adapter,
            DistributedData.get(context.getSystem()).selfUniqueAddress(), writeTimeout,
            context.getLog()).idle()));
  }

  /** Writes buckets; remembers what it last wrote. One per publisher actor, used only by it. */
  private static final class Writer {
    private final ReplicatorMessageAdapter<Command, LWWMap<String, CborSerializable>> adapter;
    private final SelfUniqueAddress self;
    private final Duration writeTimeout;
    private final Logger log;
    /** What the last publish wrote; null before the first (then every bucket is written). */
    private Map<String, CborSerializable> written;

    Writer(ReplicatorMessageAdapter<Command, LWWMap<String, CborSerializable>> adapter,
        SelfUniqueAddress self, Duration writeTimeout, Logger log) {
      this.adapter = adapter;
      this.self = self;
      this.writeTimeout = writeTimeout;
      this.log = log;
    }

    /** No write outstanding. */
    Behavior<Command> idle() {
      return Behaviors.receive(Command.class)
          .onMessage(Publish.class, p -> writing(write(p), null))
          .onMessage(Written.class, w -> Behaviors.same())
          .build();
    }

    /** {@code waiting} bucket writes outstanding; {@code next} to write after them. */
    Behavior<Command> writing(int waiting, Publish next) {
      if (waiting == 0) {
        return next == null ? idle() : writing(write(next), null);
      }
      return Behaviors.receive(Command.class)
          .onMessage(Publish.class, p -> writing(waiting, p))
          .onMessage(Written.class, w -> writing(waiting - 1, next))
          .build();
    }

    /** Starts the writes of the buckets that changed; returns how many answers to wait for. */
    int write(Publish p) {
      Map<String, CborSerializable> wanted = entries(p);
      Set<Integer> buckets = new HashSet<>();
      if (written == null) {
        IntStream.range(0, BUCKETS).forEach(buckets::add);
      } else {
        wanted.forEach((k, v) -> {
          if (!v.equals(written.get(k))) {
            buckets.add(bucket(k));
          }
        });
        written.keySet().stream().filter(k -> !wanted.containsKey(k))
            .forEach(k -> buckets.add(bucket(k)));
      }
      written = wanted;
      log.debug("registry: publishing event {} ({} entries) to {} buckets", p.sequenceNr(),
          wanted.size(), buckets.size());
      for (int bucket : buckets) {
        Map<String, CborSerializable> inBucket = new HashMap<>();
        wanted.forEach((k, v) -> {
          if (bucket(k) == bucket) {
            inBucket.put(k, v);
          }
        });
        Key<LWWMap<String, CborSerializable>> key = KEYS.get(bucket);
        adapter.askUpdate(replyTo -> new Replicator.Update<>(key, LWWMap.empty(),
                new Replicator.WriteAll(writeTimeout), replyTo,
                map -> sync(map, inBucket, p.sequenceNr())),
            this::onWritten);
      }
      return buckets.size();
    }

    private LWWMap<String, CborSerializable> sync(LWWMap<String, CborSerializable> current,
        Map<String, CborSerializable> wanted, long sequenceNr) {
      Map<String, CborSerializable> entries = current.getEntries();
      LWWMap<String, CborSerializable> map = current;
      for (String key : entries.keySet()) {
        if (!wanted.containsKey(key)) {
          map = map.remove(self, key);
        }
      }
      LWWRegister.Clock<CborSerializable> clock =
          (stamp, value) -> Math.max(stamp + 1, sequenceNr);
      for (Map.Entry<String, CborSerializable> e : wanted.entrySet()) {
        if (!e.getValue().equals(entries.get(e.getKey()))) {
          map = map.put(self, e.getKey(), e.getValue(), clock);
        }
      }
      return map;
    }

    private Command onWritten(Replicator.UpdateResponse<LWWMap<String, CborSerializable>> response) {
      Key<?> key = response.key();
      if (response instanceof Replicator.UpdateSuccess) {
        log.debug("registry: {} written", key.id());
        return new Written(true);
      }
      if (response instanceof Replicator.UpdateTimeout) {
        log.debug("registry: {} written locally, not every node acknowledged; gossip follows",
            key.id());
      } else {
        log.warn("registry: writing {} failed: {}", key.id(), response);
      }
      return new Written(false);
    }
  }
}

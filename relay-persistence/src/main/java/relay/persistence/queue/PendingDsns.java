package relay.persistence.queue;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The DSNs a queue decided and the DSN port has not accepted yet, in the order they were
 * decided, with how many each message still waits for (its spool entry stays until none).
 */
final class PendingDsns {

  private final LinkedHashMap<String, PendingDsn> dsns = new LinkedHashMap<>();
  private final Map<String, Integer> perMessage = new HashMap<>();

  Optional<PendingDsn> get(String dsnId) {
    return Optional.ofNullable(dsns.get(dsnId));
  }

  Collection<PendingDsn> all() {
    return Collections.unmodifiableCollection(dsns.values());
  }

  int size() {
    return dsns.size();
  }

  boolean isEmpty() {
    return dsns.isEmpty();
  }

  /** Whether a DSN about this message is still pending. */
  boolean holdsFor(String queueId) {
    return perMessage.containsKey(queueId);
  }

  /** A DSN about {@code m}; recipients added to one with the same id join it. */
  void add(String dsnId, DsnKind kind, PendingMessage m, List<FailedRecipient> recipients,
      Optional<Instant> retryUntil) {
    PendingDsn existing = dsns.get(dsnId);
    if (existing != null) {
      dsns.put(dsnId, existing.plus(recipients));
    } else {
      restore(new PendingDsn(dsnId, kind, m.queueId(), m.sender(), m.receivedAt(), recipients,
          retryUntil));
    }
  }

  /** Adds a DSN as a snapshot holds it. */
  void restore(PendingDsn d) {
    dsns.put(d.dsnId(), d);
    perMessage.merge(d.queueId(), 1, Integer::sum);
  }

  /** The DSN port accepted it: no longer pending. */
  void accepted(String dsnId) {
    PendingDsn d = dsns.remove(dsnId);
    if (d != null) {
      perMessage.computeIfPresent(d.queueId(), (k, n) -> n <= 1 ? null : n - 1);
    }
  }
}

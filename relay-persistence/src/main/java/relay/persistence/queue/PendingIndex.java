package relay.persistence.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pending messages of one queue, in arrival order, indexed by next attempt time (then queue
 * id), with their recipient count kept up to date: choosing the next due message never scans
 * the whole queue. Mutable; only the queue's state changes it.
 */
final class PendingIndex {

  /** Key of the due index: next attempt time, then queue id. */
  private record Due(Instant at, String queueId) implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      int c = at.compareTo(o.at);
      return c != 0 ? c : queueId.compareTo(o.queueId);
    }
  }

  private final LinkedHashMap<String, PendingMessage> messages = new LinkedHashMap<>();
  private final TreeSet<Due> due = new TreeSet<>();
  private long recipients;

  Optional<PendingMessage> get(String queueId) {
    return Optional.ofNullable(messages.get(queueId));
  }

  boolean contains(String queueId) {
    return messages.containsKey(queueId);
  }

  int size() {
    return messages.size();
  }

  boolean isEmpty() {
    return messages.isEmpty();
  }

  long recipientCount() {
    return recipients;
  }

  /** Every pending message, oldest arrival first. */
  Collection<PendingMessage> all() {
    return Collections.unmodifiableCollection(messages.values());
  }

  /** Adds a message not yet held. */
  void put(PendingMessage m) {
    messages.put(m.queueId(), m);
    due.add(new Due(m.nextAttemptAt(), m.queueId()));
    recipients += m.recipients().size();
  }

  /** Replaces the held message of the same queue id with {@code now} (its place in arrival kept). */
  void replace(PendingMessage now) {
    PendingMessage old = messages.get(now.queueId());
    due.remove(new Due(old.nextAttemptAt(), old.queueId()));
    messages.put(now.queueId(), now);
    due.add(new Due(now.nextAttemptAt(), now.queueId()));
    recipients += now.recipients().size() - old.recipients().size();
  }

  /** A transient failure of attempt {@code attempt}: the message is due again at {@code next}. */
  void deferred(String queueId, int attempt, Instant next) {
    get(queueId).ifPresent(m -> replace(new PendingMessage(m.queueId(), m.sender(),
        m.recipients(), m.size(), m.receivedAt(), m.eightBit(), m.smtputf8(), attempt, next,
        m.delayWarned(), m.client())));
  }

  /** How many messages are due later than {@code at}. */
  int dueAfter(Instant at) {
    return due.tailSet(new Due(at, "\uffff"), false).size();
  }

  /**
   * Every message due later than {@code at} is due at {@code at} (attempts and the rest kept);
   * returns how many moved. O(n log n): for an operator's retry, not per attempt.
   */
  int dueBy(Instant at) {
    List<PendingMessage> later = new ArrayList<>();
    for (Due d : due.tailSet(new Due(at, "\uffff"), false)) {
      later.add(messages.get(d.queueId()));
    }
    for (PendingMessage m : later) {
      replace(new PendingMessage(m.queueId(), m.sender(), m.recipients(), m.size(),
          m.receivedAt(), m.eightBit(), m.smtputf8(), m.attempts(), at, m.delayWarned(),
          m.client()));
    }
    return later.size();
  }

  /** The message's one delay warning was decided; returns the message, if pending. */
  Optional<PendingMessage> delayWarned(String queueId) {
    Optional<PendingMessage> m = get(queueId);
    m.ifPresent(p -> replace(new PendingMessage(p.queueId(), p.sender(), p.recipients(),
        p.size(), p.receivedAt(), p.eightBit(), p.smtputf8(), p.attempts(), p.nextAttemptAt(),
        true, p.client())));
    return m;
  }

  /**
   * Removes recipients that are done (delivered, bounced, expired) from a message; the message
   * itself goes once none is left. Returns whether it went.
   */
  boolean removeRecipients(String queueId, List<String> done) {
    PendingMessage m = messages.get(queueId);
    if (m == null) {
      return false;
    }
    List<String> left = new ArrayList<>(m.recipients());
    left.removeAll(done);
    if (!left.isEmpty()) {
      replace(new PendingMessage(m.queueId(), m.sender(), left, m.size(), m.receivedAt(),
          m.eightBit(), m.smtputf8(), m.attempts(), m.nextAttemptAt(), m.delayWarned(),
          m.client()));
      return false;
    }
    messages.remove(queueId);
    due.remove(new Due(m.nextAttemptAt(), queueId));
    recipients -= m.recipients().size();
    return true;
  }

  Optional<Instant> oldestReceivedAt() {
    Iterator<PendingMessage> it = messages.values().iterator();
    return it.hasNext() ? Optional.of(it.next().receivedAt()) : Optional.empty();
  }

  /** The first message due at {@code now} that is not in flight; skips at most inFlight.size(). */
  Optional<PendingMessage> firstDue(Instant now, Set<String> inFlight) {
    for (Due d : due) {
      if (d.at().isAfter(now)) {
        return Optional.empty();
      }
      if (!inFlight.contains(d.queueId())) {
        return Optional.of(messages.get(d.queueId()));
      }
    }
    return Optional.empty();
  }

  /** When the next message not in flight is due (may be in the past), empty if none. */
  Optional<Instant> nextDueAt(Set<String> inFlight) {
    for (Due d : due) {
      if (!inFlight.contains(d.queueId())) {
        return Optional.of(d.at());
      }
    }
    return Optional.empty();
  }
}

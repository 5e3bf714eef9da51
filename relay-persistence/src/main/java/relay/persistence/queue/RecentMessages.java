package relay.persistence.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import relay.persistence.CborSerializable;

/**
 * The fingerprints of the messages a queue took recently, so that a client's retry of a message
 * the queue already holds (or delivered) under another queue id is not queued a second time: a
 * client that got 452 because another domain's queue refused, or no reply at all after a crash,
 * sends the same message again, and the domains that had taken it must not deliver it twice.
 *
 * <p>Bounded by age ({@code window}: an entry older than that no longer counts and is dropped) and
 * by count ({@code maxEntries}: the oldest go first). Entries are kept in the order they were
 * added, which is the order of the queue's events and so of their times. Pure and not
 * thread-safe: the queue's event handler is its only writer.
 */
final class RecentMessages {

  /** One remembered fingerprint: the queue id it was taken under and when. */
  record Entry(String fingerprint, String queueId, Instant at) implements CborSerializable {
    Entry {
      Objects.requireNonNull(fingerprint, "fingerprint");
      Objects.requireNonNull(queueId, "queueId");
      Objects.requireNonNull(at, "at");
    }
  }

  private final LinkedHashMap<String, Entry> byFingerprint = new LinkedHashMap<>();
  private final DuplicateSettings settings;

  RecentMessages(DuplicateSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** Restored from a snapshot ({@code null} from a snapshot written before fingerprints). */
  static RecentMessages of(List<Entry> entries, DuplicateSettings settings) {
    RecentMessages recent = new RecentMessages(settings);
    if (entries != null) {
      for (Entry e : entries) {
        recent.add(e.fingerprint(), e.queueId(), e.at());
      }
    }
    return recent;
  }

  /** Remembers that {@code queueId} was taken at {@code at}; drops what falls out of bounds. */
  void add(String fingerprint, String queueId, Instant at) {
    if (!settings.enabled()) {
      return;
    }
    byFingerprint.remove(fingerprint); // re-added at the end: the newest
    byFingerprint.put(fingerprint, new Entry(fingerprint, queueId, at));
    Instant oldest = at.minus(settings.window());
    Iterator<Entry> it = byFingerprint.values().iterator();
    while (it.hasNext()) {
      Entry eldest = it.next();
      if (byFingerprint.size() > settings.maxEntries() || eldest.at().isBefore(oldest)) {
        it.remove();
      } else {
        break;
      }
    }
  }

  /**
   * The queue id under which the same client message was taken within the window before
   * {@code now}, if that was another queue id than {@code queueId}; empty for an unknown message
   * and for a repeat of the same queue id (an enqueue the queue already deduplicates by id).
   */
  Optional<String> duplicateOf(String fingerprint, String queueId, Instant now) {
    Entry e = byFingerprint.get(fingerprint);
    if (e == null || e.queueId().equals(queueId)
        || Duration.between(e.at(), now).compareTo(settings.window()) > 0) {
      return Optional.empty();
    }
    return Optional.of(e.queueId());
  }

  /**
   * Of the messages of one enqueue batch (not yet held by the queue), those that are retries of
   * a message taken under another queue id, each mapped to that queue id: taken earlier within
   * the window, or earlier in the same batch. Batch order is kept.
   */
  Map<String, String> retriesIn(List<QueuedMessage> batch, Instant now) {
    Map<String, String> retries = new LinkedHashMap<>();
    Map<String, String> inBatch = new HashMap<>();
    if (!settings.enabled()) {
      return retries;
    }
    for (QueuedMessage m : batch) {
      String fingerprint = m.fingerprint();
      if (fingerprint == null) {
        continue;
      }
      Optional<String> taken = duplicateOf(fingerprint, m.queueId(), now);
      String first = inBatch.putIfAbsent(fingerprint, m.queueId());
      if (taken.isPresent()) {
        retries.put(m.queueId(), taken.get());
      } else if (first != null && !first.equals(m.queueId())) {
        retries.put(m.queueId(), first);
      }
    }
    return retries;
  }

  int size() {
    return byFingerprint.size();
  }

  /** Everything remembered, oldest first (for a snapshot). */
  List<Entry> entries() {
    return new ArrayList<>(byFingerprint.values());
  }
}

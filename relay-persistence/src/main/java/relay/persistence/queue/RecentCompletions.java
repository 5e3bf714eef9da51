package relay.persistence.queue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Queue ids of the messages a queue finished most recently, oldest first, at most {@code limit}
 * ({@code remembered-completions}; 0 remembers nothing): a repeated enqueue of one of them is
 * acknowledged without a second delivery, and recovery looks for their leftover spool entries.
 */
final class RecentCompletions {

  private final LinkedHashSet<String> ids = new LinkedHashSet<>();
  private final int limit;

  RecentCompletions(int limit) {
    this.limit = limit;
  }

  /** A message finished; the oldest remembered one is forgotten beyond the limit. */
  void add(String queueId) {
    if (limit <= 0) {
      return;
    }
    ids.add(queueId);
    if (ids.size() > limit) {
      Iterator<String> oldest = ids.iterator();
      oldest.next();
      oldest.remove();
    }
  }

  /** Restores what a snapshot remembered, as it was (oldest first). */
  void restore(List<String> remembered) {
    ids.addAll(remembered);
  }

  boolean contains(String queueId) {
    return ids.contains(queueId);
  }

  /** The newest {@code n}, oldest first. */
  List<String> newest(int n) {
    List<String> all = new ArrayList<>(ids);
    return all.subList(Math.max(0, all.size() - n), all.size());
  }

  List<String> all() {
    return List.copyOf(ids);
  }
}

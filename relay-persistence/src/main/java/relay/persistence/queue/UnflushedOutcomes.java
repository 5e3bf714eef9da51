package relay.persistence.queue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Attempt outcomes waiting for the queue's next journal write (group commit), in arrival order.
 */
final class UnflushedOutcomes {

  private final ArrayDeque<AttemptOutcome> outcomes = new ArrayDeque<>();

  void add(AttemptOutcome outcome) {
    outcomes.add(outcome);
  }

  boolean isEmpty() {
    return outcomes.isEmpty();
  }

  int size() {
    return outcomes.size();
  }

  void clear() {
    outcomes.clear();
  }

  /**
   * The next write: up to {@code max} outcomes, oldest first, at most one per message; a second
   * outcome for a message stays, ahead of the rest, for the write after.
   */
  List<AttemptOutcome> nextBatch(int max) {
    List<AttemptOutcome> batch = new ArrayList<>();
    Set<String> messages = new HashSet<>();
    ArrayDeque<AttemptOutcome> later = new ArrayDeque<>();
    while (!outcomes.isEmpty() && batch.size() < max) {
      AttemptOutcome outcome = outcomes.poll();
      if (messages.add(outcome.queueId())) {
        batch.add(outcome);
      } else {
        later.add(outcome);
      }
    }
    while (!later.isEmpty()) {
      outcomes.addFirst(later.pollLast());
    }
    return batch;
  }
}

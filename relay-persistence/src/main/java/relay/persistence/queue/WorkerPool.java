package relay.persistence.queue;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A queue's delivery workers ({@code W}: their actor refs) and the messages in flight.
 *
 * <p>Each worker holds one connection and works on at most one message ({@code ""}: none);
 * parked workers keep their connection open for the next due message. A message is in flight
 * from the moment it is handed to a worker (or deferred without one) until its outcome is
 * persisted, which can be after its worker took the next message.
 */
final class WorkerPool<W> {

  private static final String IDLE = "";

  private final Map<W, String> jobs = new HashMap<>();
  private final ArrayDeque<W> parked = new ArrayDeque<>();
  private final Set<String> inFlight = new HashSet<>();

  /** {@code worker} (new or parked) now works on {@code queueId}. */
  void assign(W worker, String queueId) {
    jobs.put(worker, queueId);
    inFlight.add(queueId);
  }

  /** Whether {@code worker} is one of ours and works on {@code queueId}. */
  boolean isWorkingOn(W worker, String queueId) {
    String job = jobs.get(worker);
    return job != null && job.equals(queueId);
  }

  /** The worker reported its outcome, or is being closed: it works on nothing. */
  void idle(W worker) {
    jobs.put(worker, IDLE);
  }

  /** The worker stopped; the message it was working on, if any. */
  Optional<String> stopped(W worker) {
    String job = jobs.remove(worker);
    parked.remove(worker);
    return job == null || job.isEmpty() ? Optional.empty() : Optional.of(job);
  }

  void park(W worker) {
    parked.add(worker);
  }

  /** The worker parked longest, or null. */
  W unpark() {
    return parked.poll();
  }

  boolean hasParked() {
    return !parked.isEmpty();
  }

  List<W> parkedWorkers() {
    return List.copyOf(parked);
  }

  /** Workers alive, busy or not. */
  int size() {
    return jobs.size();
  }

  boolean isEmpty() {
    return jobs.isEmpty();
  }

  /** Whether some worker is working on a message. */
  boolean busy() {
    return jobs.values().stream().anyMatch(job -> !job.isEmpty());
  }

  /** A message deferred without a worker stays in flight until the deferral is persisted. */
  void holdInFlight(String queueId) {
    inFlight.add(queueId);
  }

  /** The outcomes of these messages are persisted: they are no longer in flight. */
  void landed(Collection<String> queueIds) {
    inFlight.removeAll(queueIds);
  }

  /** The messages in flight (read-only view). */
  Set<String> inFlight() {
    return Collections.unmodifiableSet(inFlight);
  }

  void clear() {
    jobs.clear();
    parked.clear();
    inFlight.clear();
  }
}

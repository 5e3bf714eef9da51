package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Worker bookkeeping alone (workers are names here): jobs, parking, messages in flight. */
class WorkerPoolTest {

  @Test
  void aMessageStaysInFlightUntilItsOutcomeLandsEvenIfItsWorkerMovedOn() {
    WorkerPool<String> pool = new WorkerPool<>();
    pool.assign("w1", "Q1");
    assertTrue(pool.isWorkingOn("w1", "Q1"));
    assertFalse(pool.isWorkingOn("w1", "Q2"));
    assertFalse(pool.isWorkingOn("w2", "Q1"), "not a worker of the pool");
    assertTrue(pool.busy());
    pool.idle("w1");
    assertFalse(pool.busy());
    pool.assign("w1", "Q2");
    assertEquals(Set.of("Q1", "Q2"), pool.inFlight());
    pool.landed(List.of("Q1"));
    assertEquals(Set.of("Q2"), pool.inFlight());
    assertEquals(1, pool.size());
  }

  @Test
  void parkedWorkersAreTakenOldestFirstAndAStoppedOneLeavesThePark() {
    WorkerPool<String> pool = new WorkerPool<>();
    for (String w : List.of("w1", "w2", "w3")) {
      pool.assign(w, "Q" + w);
      pool.idle(w);
      pool.park(w);
    }
    assertEquals(Optional.empty(), pool.stopped("w2"), "it was idle");
    assertEquals(List.of("w1", "w3"), pool.parkedWorkers());
    assertEquals("w1", pool.unpark());
    assertEquals("w3", pool.unpark());
    assertFalse(pool.hasParked());
    assertNull(pool.unpark());
    assertEquals(2, pool.size());
  }

  @Test
  void aWorkerStoppedDuringAnAttemptNamesItsMessage() {
    WorkerPool<String> pool = new WorkerPool<>();
    pool.assign("w1", "Q1");
    pool.holdInFlight("Q9");
    assertEquals(Optional.of("Q1"), pool.stopped("w1"));
    assertTrue(pool.isEmpty());
    assertEquals(Set.of("Q1", "Q9"), pool.inFlight(), "until the outcome is written");
    pool.clear();
    assertTrue(pool.inFlight().isEmpty());
  }
}

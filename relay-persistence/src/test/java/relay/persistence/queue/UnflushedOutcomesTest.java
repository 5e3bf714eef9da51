package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Outcomes waiting for a write alone: batch size, one outcome per message per write. */
class UnflushedOutcomesTest {

  static final RecordedReply OK = new RecordedReply(250, "2.0.0", "Ok");

  static AttemptOutcome outcome(String queueId) {
    return AttemptOutcome.all(queueId, "mx", List.of("a@d"), OK);
  }

  static List<String> ids(List<AttemptOutcome> batch) {
    return batch.stream().map(AttemptOutcome::queueId).toList();
  }

  @Test
  void aBatchTakesTheOldestUpToTheLimit() {
    UnflushedOutcomes u = new UnflushedOutcomes();
    for (String id : List.of("A", "B", "C")) {
      u.add(outcome(id));
    }
    assertEquals(List.of("A", "B"), ids(u.nextBatch(2)));
    assertEquals(1, u.size());
    assertEquals(List.of("C"), ids(u.nextBatch(2)));
    assertTrue(u.isEmpty());
  }

  @Test
  void aSecondOutcomeForOneMessageWaitsForTheNextWriteAheadOfTheRest() {
    UnflushedOutcomes u = new UnflushedOutcomes();
    for (String id : List.of("A", "B", "A", "A", "C")) {
      u.add(outcome(id));
    }
    assertEquals(List.of("A", "B", "C"), ids(u.nextBatch(10)));
    assertEquals(List.of("A"), ids(u.nextBatch(10)));
    assertEquals(List.of("A"), ids(u.nextBatch(10)));
    assertTrue(u.isEmpty());

    for (String id : List.of("A", "A", "B", "C")) {
      u.add(outcome(id));
    }
    assertEquals(List.of("A", "B"), ids(u.nextBatch(2)));
    assertEquals(List.of("A", "C"), ids(u.nextBatch(2)));
  }
}

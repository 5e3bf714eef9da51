package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The remembered completions alone: bounded, oldest forgotten first. */
class RecentCompletionsTest {

  @Test
  void theOldestIsForgottenBeyondTheLimit() {
    RecentCompletions done = new RecentCompletions(3);
    for (String id : List.of("A", "B", "C", "D")) {
      done.add(id);
    }
    assertFalse(done.contains("A"));
    assertTrue(done.contains("D"));
    assertEquals(List.of("B", "C", "D"), done.all());
    assertEquals(List.of("C", "D"), done.newest(2));
    assertEquals(List.of("B", "C", "D"), done.newest(10));
  }

  @Test
  void aLimitOfZeroRemembersNothingAndARestoreKeepsTheOrder() {
    RecentCompletions none = new RecentCompletions(0);
    none.add("A");
    assertFalse(none.contains("A"));
    RecentCompletions restored = new RecentCompletions(10);
    restored.restore(List.of("X", "Y"));
    restored.add("Z");
    assertEquals(List.of("X", "Y", "Z"), restored.all());
  }
}

package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.junit.jupiter.api.Test;

/** DSN submission bookkeeping alone, against a recording DSN port. */
class DsnSubmissionsTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  static final PendingDsn DSN = new PendingDsn("Q.F1", DsnKind.FAILED, "Q", "s@x.example", T,
      List.of(new FailedRecipient("a@d.example", 550, "5.1.1", "No such user", Optional.empty(),
          T)), Optional.empty());

  @Test
  void aDsnIsNotSubmittedAgainWhileItsSubmissionRuns() {
    RecordingDsnPort port = new RecordingDsnPort();
    port.answer = r -> new CompletableFuture<>();
    DsnSubmissions submissions = new DsnSubmissions(port, "d.example");
    assertTrue(submissions.submit(DSN).isPresent());
    assertTrue(submissions.submit(DSN).isEmpty());
    assertEquals(1, port.requests.size());
    assertEquals("d.example", port.requests.get(0).domain());
    assertEquals(DsnKind.FAILED, port.requests.get(0).kind());
    submissions.ended(DSN.dsnId());
    assertTrue(submissions.submit(DSN).isPresent());
    submissions.clear();
    assertTrue(submissions.submit(DSN).isPresent());
    assertEquals(3, port.requests.size());
  }

  @Test
  void aPortThatThrowsGivesAFailedStage() {
    DsnPort broken = r -> {
      throw new IllegalStateException("port bug");
    };
    CompletionStage<Done> stage = new DsnSubmissions(broken, "d.example").submit(DSN).orElseThrow();
    assertTrue(stage.toCompletableFuture().isCompletedExceptionally());
  }
}

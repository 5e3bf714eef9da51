package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pending DSNs alone: one DSN per id gathering recipients, the per-message count. */
class PendingDsnsTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  static final PendingMessage M = new PendingMessage("Q", "s@x.example", List.of("a@d", "b@d"),
      10, T, false, false, 1, T, false);

  static FailedRecipient failed(String rcpt) {
    return new FailedRecipient(rcpt, 550, "5.1.1", "No such user", Optional.of("mx"), T);
  }

  @Test
  void recipientsOfOneDsnIdJoinOneDsn() {
    PendingDsns dsns = new PendingDsns();
    dsns.add("Q.F1", DsnKind.FAILED, M, List.of(failed("a@d")), Optional.empty());
    dsns.add("Q.F1", DsnKind.FAILED, M, List.of(failed("b@d")), Optional.empty());
    assertEquals(1, dsns.size());
    PendingDsn d = dsns.get("Q.F1").orElseThrow();
    assertEquals(List.of("a@d", "b@d"), d.recipients().stream().map(FailedRecipient::recipient)
        .toList());
    assertEquals("s@x.example", d.sender());
    dsns.accepted("Q.F1");
    assertTrue(dsns.isEmpty());
    assertFalse(dsns.holdsFor("Q"));
  }

  @Test
  void aMessageIsHeldUntilItsLastDsnIsAccepted() {
    PendingDsns dsns = new PendingDsns();
    dsns.add("Q.D", DsnKind.DELAYED, M, List.of(failed("a@d")), Optional.of(T));
    dsns.restore(new PendingDsn("Q.F2", DsnKind.FAILED, "Q", "s@x.example", T,
        List.of(failed("b@d")), Optional.empty()));
    assertEquals(List.of("Q.D", "Q.F2"), dsns.all().stream().map(PendingDsn::dsnId).toList());
    dsns.accepted("Q.D");
    assertTrue(dsns.holdsFor("Q"));
    dsns.accepted("Q.unknown");
    assertTrue(dsns.holdsFor("Q"));
    dsns.accepted("Q.F2");
    assertFalse(dsns.holdsFor("Q"));
  }
}

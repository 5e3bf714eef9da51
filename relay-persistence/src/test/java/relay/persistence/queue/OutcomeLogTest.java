package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import relay.persistence.history.EventKind;
import relay.persistence.history.HistoryRecord;
import relay.persistence.log.MessageEventLog;
import relay.persistence.queue.DeliveryQueue.DsnQueued;
import relay.persistence.queue.DeliveryQueue.RecipientsDeferred;

/** The event log lines of persisted outcomes alone, on a logger of its own. */
class OutcomeLogTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aDeferralIsLoggedAndRecordedWithItsAttemptAndDelayAndADsnEventIsNot() {
    Logger logger = (Logger) LoggerFactory.getLogger("test.outcome-log");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    lines.start();
    logger.addAppender(lines);
    List<HistoryRecord> history = new ArrayList<>();
    OutcomeLog log = new OutcomeLog(new MessageEventLog(logger), history::add, "d.example");
    PendingMessage m = new PendingMessage("Q", "s@x.example", List.of("a@d.example"), 42, T,
        false, false, 1, T, false);
    log.persisted(new RecipientsDeferred("Q", List.of("a@d.example"), "mx.d.example",
        new RecordedReply(451, "4.2.0", "Later"), 2, T.plusSeconds(600), T.plusSeconds(90)),
        Map.of("Q", m));
    log.persisted(new DsnQueued("Q.D", T), Map.of());
    assertEquals(1, lines.list.size());
    String line = lines.list.get(0).getFormattedMessage();
    assertTrue(line.contains("\"event\":\"deferred\""), line);
    assertTrue(line.contains("\"attempt\":2"), line);
    assertTrue(line.contains("\"delay_ms\":90000"), line);
    assertTrue(line.contains("\"domain\":\"d.example\""), line);
    assertEquals(0, OutcomeLog.delayMs(m, T.minusSeconds(5)), "never negative");
    assertEquals(List.of(new HistoryRecord.Outcome("Q", EventKind.DEFERRED,
        List.of("a@d.example"), Optional.of("mx.d.example"), Optional.of("451 4.2.0 Later"), 2,
        Optional.empty(), T.plusSeconds(90))), history, "the history gets the deferral too");
  }
}

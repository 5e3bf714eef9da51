package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import relay.persistence.history.MessageHistory;
import relay.persistence.log.MessageEventLog;
import relay.persistence.queue.DeliveryQueue.DsnQueued;
import relay.persistence.queue.DeliveryQueue.RecipientsDeferred;
import relay.protocol.client.TlsStatus;

/** The event log lines of persisted outcomes alone, on a logger of its own. */
class OutcomeLogTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static Logger logger(String name) {
    return (Logger) LoggerFactory.getLogger(name);
  }

  /** The lines written from now on to the logger {@code name}, at level INFO. */
  private static ListAppender<ILoggingEvent> lines(String name) {
    Logger logger = logger(name);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    lines.start();
    logger.addAppender(lines);
    return lines;
  }

  @Test
  void aDeferralIsLoggedAndRecordedWithItsAttemptAndDelayAndADsnEventIsNot() {
    ListAppender<ILoggingEvent> lines = lines("test.outcome-log");
    List<HistoryRecord> history = new ArrayList<>();
    OutcomeLog log = new OutcomeLog(new MessageEventLog(logger("test.outcome-log")), history::add, "d.example");
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
        Optional.empty(), T.plusSeconds(90), Optional.of("none"))), history,
        "the history gets the deferral too, in clear");
    assertTrue(line.contains("\"tls\":\"none\""), line);
  }

  @Test
  void aDeliveryOverTlsCarriesItsTlsToTheLogAndTheHistory() {
    ListAppender<ILoggingEvent> lines = lines("test.outcome-log-tls");
    List<HistoryRecord> history = new ArrayList<>();
    OutcomeLog log = new OutcomeLog(new MessageEventLog(logger("test.outcome-log-tls")), history::add, "d.example");
    PendingMessage m = new PendingMessage("Q", "s@x.example", List.of("a@d.example"), 42, T,
        false, false, 0, T, false);
    TlsStatus tls = new TlsStatus("TLSv1.3", "TLS_AES_128_GCM_SHA256", false);
    log.persisted(new DeliveryQueue.RecipientsDelivered("Q", List.of("a@d.example"), "mx",
        new RecordedReply(250, "2.0.0", "Ok"), T), Map.of("Q", m), id -> tls);
    String line = lines.list.get(0).getFormattedMessage();
    assertTrue(line.contains("\"tls\":{\"protocol\":\"TLSv1.3\",\"cipher\":\"TLS_AES_128_GCM_SHA256\","
        + "\"verified\":false}"), line);
    assertEquals(Optional.of("TLSv1.3 TLS_AES_128_GCM_SHA256 unverified"),
        ((HistoryRecord.Outcome) history.get(0)).tls());
  }

  @Test
  void eachOutcomesRecipientsAreCountedOnceAndADsnEventIsNot() {
    int[] counts = new int[4];
    OutcomeCounter counter = new OutcomeCounter() {
      @Override
      public void delivered(int recipients) {
        counts[0] += recipients;
      }

      @Override
      public void deferred(int recipients) {
        counts[1] += recipients;
      }

      @Override
      public void bounced(int recipients) {
        counts[2] += recipients;
      }

      @Override
      public void expired(int recipients) {
        counts[3] += recipients;
      }
    };
    OutcomeLog log = new OutcomeLog(new MessageEventLog(LoggerFactory.getLogger("test.counts")),
        MessageHistory.NONE, "d.example", counter);
    List<String> rcpts = List.of("a@d.example", "b@d.example", "c@d.example", "e@d.example");
    PendingMessage m = new PendingMessage("Q", "s@x.example", rcpts, 42, T, false, false, 1, T,
        false);
    RecordedReply ok = new RecordedReply(250, "2.0.0", "Ok");
    RecordedReply later = new RecordedReply(451, "4.2.0", "Later");
    RecordedReply no = new RecordedReply(550, "5.1.1", "No such user");
    Map<String, PendingMessage> before = Map.of("Q", m);
    log.persisted(new DeliveryQueue.RecipientsDelivered("Q", rcpts.subList(0, 2), "mx", ok, T),
        before);
    log.persisted(new RecipientsDeferred("Q", rcpts.subList(2, 4), "mx", later, 2, T, T), before);
    log.persisted(new DeliveryQueue.RecipientsBounced("Q", rcpts.subList(2, 3), "mx", no, T,
        "Q.D"), before);
    log.persisted(new DeliveryQueue.MessageExpired("Q", rcpts.subList(3, 4), "mx", later, T,
        "Q.E"), before);
    log.persisted(new DsnQueued("Q.D", T), Map.of());
    assertArrayEquals(new int[] {2, 2, 1, 1}, counts, "delivered, deferred, bounced, expired");
  }
}

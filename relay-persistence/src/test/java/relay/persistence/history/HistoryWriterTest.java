package relay.persistence.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The batched writer over a real (H2) store: buffering, dropping, retries, purge, close. */
class HistoryWriterTest {

  private DataSource db;
  private HistoryStore store;

  @BeforeEach
  void open() throws Exception {
    db = HistoryStoreH2Test.h2();
    store = new HistoryStore(db);
  }

  private static HistorySettings settings(int buffer) {
    return new HistorySettings(true, Duration.ofDays(30), Duration.ofMillis(50), 2, buffer,
        Duration.ofMinutes(5), 100);
  }

  private static HistoryRecord.Accepted accepted(String id, Instant at) {
    return HistoryStoreContractTest.accepted(id, "c", "a@b.test", at, "r@d.test");
  }

  @Test
  void entriesAreWrittenInBatchesByTheBackgroundThread() throws Exception {
    try (HistoryWriter writer = HistoryWriter.start(store, settings(100), Clock.systemUTC())) {
      long t0 = System.nanoTime();
      for (int i = 0; i < 7; i++) {
        writer.record(accepted("W" + i, Instant.now()));
      }
      writer.record(HistoryStoreContractTest.outcome("W0", EventKind.DELIVERED, "250 ok", 1,
          Instant.now(), "r@d.test"));
      long recordNanos = System.nanoTime() - t0;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (writer.written() < 8 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(8, writer.written());
      assertEquals(0, writer.dropped());
      System.out.printf("8 entries recorded in %d us, written within %d ms%n",
          recordNanos / 1000, (System.nanoTime() - t0) / 1_000_000);
      assertEquals(2, store.find("W0").orElseThrow().events().size());
      assertTrue(store.find("W6").isPresent());
    }
  }

  @Test
  void aFullBufferDropsAndCountsInsteadOfWaiting() throws Exception {
    HistoryWriter writer = new HistoryWriter(store, settings(3), Clock.systemUTC());
    for (int i = 0; i < 5; i++) {
      writer.record(accepted("D" + i, Instant.now()));
    }
    assertEquals(2, writer.dropped());
    assertEquals(3, writer.buffered());
    writer.flushAll();
    assertEquals(3, writer.written());
    assertTrue(store.find("D2").isPresent());
    assertTrue(store.find("D3").isEmpty());
  }

  @Test
  void aBatchTheDatabaseRefusesIsRetriedThenDropped() throws Exception {
    HistoryWriter writer = new HistoryWriter(store, settings(100), Clock.systemUTC());
    execute("DROP TABLE relay_history_message");
    writer.record(accepted("R1", Instant.now()));
    writer.flushAll();
    assertEquals(0, writer.written());
    assertEquals(1, writer.buffered(), "kept for the next try");
    HistoryTables.create(db); // the database is back
    writer.record(accepted("R2", Instant.now()));
    writer.flushAll();
    assertEquals(2, writer.written());
    assertTrue(store.find("R1").isPresent() && store.find("R2").isPresent());

    execute("DROP TABLE relay_history_message");
    writer.record(accepted("R3", Instant.now()));
    for (int i = 0; i < HistoryWriter.ATTEMPTS_BEFORE_DROP; i++) {
      writer.flushAll();
    }
    assertEquals(1, writer.dropped());
    assertEquals(0, writer.buffered());
  }

  @Test
  void theWriterPurgesHistoryOlderThanTheRetention() throws Exception {
    Instant now = Instant.parse("2026-12-05T08:00:00Z");
    store.write(List.of(accepted("OLD", now.minus(Duration.ofDays(31))),
        accepted("NEW", now.minus(Duration.ofDays(29)))));
    HistoryWriter writer = new HistoryWriter(store, settings(10), Clock.fixed(now, ZoneOffset.UTC));
    writer.step();
    assertEquals(1, writer.purged());
    assertTrue(store.find("OLD").isEmpty());
    assertTrue(store.find("NEW").isPresent());
  }

  @Test
  void closeWritesWhatIsBuffered() throws Exception {
    HistoryWriter writer = HistoryWriter.start(store, new HistorySettings(true,
        Duration.ofDays(30), Duration.ofSeconds(10), 500, 100, Duration.ofMinutes(5), 100),
        Clock.systemUTC());
    writer.record(accepted("C1", Instant.now()));
    writer.close();
    assertTrue(store.find("C1").isPresent());
  }

  @Test
  void settingsFromReferenceConfAndBounds() {
    HistorySettings s = HistorySettings.fromConfig(ConfigFactory.load().getConfig("relay.history"));
    assertEquals(new HistorySettings(true, Duration.ofDays(30), Duration.ofMillis(200), 500,
        20_000, Duration.ofMinutes(5), 500), s);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new HistorySettings(true,
        Duration.ofMinutes(5), Duration.ofMillis(200), 500, 100, Duration.ofMinutes(5), 500))
        .getMessage().contains("relay.history.retention"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new HistorySettings(true,
        Duration.ofDays(1), Duration.ofMillis(200), 500, 0, Duration.ofMinutes(5), 500))
        .getMessage().contains("relay.history.buffer-size"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new HistorySearch(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(Instant.EPOCH),
        Optional.of(Instant.EPOCH), 10)).getMessage().contains("since"));
  }

  private void execute(String sql) throws Exception {
    try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}

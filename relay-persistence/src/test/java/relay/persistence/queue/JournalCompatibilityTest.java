package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import relay.persistence.queue.DeliveryQueue.Command;
import relay.persistence.queue.DeliveryQueue.EnqueueBatch;
import relay.persistence.queue.DeliveryQueue.Event;
import relay.persistence.queue.DeliveryQueue.GetStatus;
import relay.persistence.queue.DeliveryQueue.Snapshot;
import relay.persistence.spool.FileSpool;

/**
 * Journals and snapshots written by an earlier version of {@link DeliveryQueue} still replay.
 * The fixture ({@value #FIXTURE}) holds the JDBC journal and snapshot rows of two queues written
 * on H2 by the code of December 2026, covering every event type: {@code journal.example} (events
 * only) and {@code snapshot.example} (the same history with a snapshot every 10 events). The
 * test loads those rows into a fresh database and checks what the queues recover: pending
 * messages with their attempts, completions, pending DSNs. Rewrite the fixture only on purpose,
 * with {@code -Drelay.writeJournalFixture=<path of the fixture in src/test/resources>}.
 */
class JournalCompatibilityTest {

  static final String FIXTURE = "/journal/delivery-queue-journal.txt";
  static final String JOURNAL_DOMAIN = "journal.example";
  static final String SNAPSHOT_DOMAIN = "snapshot.example";
  static final List<String> TABLES = List.of("event_journal", "snapshot");
  static final Duration WAIT = Duration.ofSeconds(20);

  /** Held pending by the fixture's history; their number of attempts. */
  static final Map<String, Integer> PENDING = Map.of("QMIX", 1, "QLATE", 1, "QWAIT", 0);
  /** Finished in the fixture's history (delivered, bounced or expired). */
  static final List<String> COMPLETED = List.of("QDELIV", "QBOUNCE", "QOLD", "QNULL", "QFAILDSN");

  @TempDir Path dir;

  static Config config(String jdbcUrl, String queueSettings) {
    return ConfigFactory.parseString(queueSettings).withFallback(ConfigFactory.parseString("""
        relay.queue {
          retry { initial = 1h, max-interval = 1h }
          max-lifetime = 1d
          delay-warning = 1h
          dsn-retry-interval = 1h
          connection-linger = 0
        }
        """)).withFallback(ShardedQueues.h2Store(jdbcUrl)).withFallback(ConfigFactory.load());
  }

  static QueueSettings settings(Config config, String domain) {
    Config queue = config.getConfig("relay.queue");
    if (domain.equals(SNAPSHOT_DOMAIN)) {
      queue = ConfigFactory.parseString("snapshot-every = 10").withFallback(queue);
    }
    return QueueSettings.fromConfig(queue);
  }

  // ------------------------------------------------------------------ the check

  @Test
  void theFixtureReplaysIntoTheSameStateThroughTheEntity() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("journal") + ";WRITE_DELAY=0";
    Config config = config(url, "");
    FakeTransport transport = new FakeTransport();
    transport.gate = new CountDownLatch(1);
    RecordingDsnPort dsn = new RecordingDsnPort();
    dsn.answer = r -> new CompletableFuture<>(); // a re-submitted DSN stays pending
    ActorTestKit kit = ActorTestKit.create("compat", config);
    try {
      SchemaUtils.createIfNotExists(kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      int rows = load(url);
      assertTrue(rows >= 2 * 14 + 1, rows + " rows loaded");
      DeliveryPorts ports = new DeliveryPorts(transport,
          new FileSpool(dir.resolve("spool"), false, Runnable::run), dsn, Clock.systemUTC());
      for (String domain : List.of(JOURNAL_DOMAIN, SNAPSHOT_DOMAIN)) {
        ActorRef<Command> queue = kit.spawn(
            DeliveryQueue.create(domain, settings(config, domain), ports), domain);
        TestProbe<QueueStatus> status = kit.createTestProbe();
        queue.tell(new GetStatus(status.getRef()));
        QueueStatus s = status.receiveMessage(WAIT);
        assertEquals(PENDING.size(), s.pendingMessages(), domain + ": " + s);
        assertEquals(PENDING.size(), s.pendingRecipients(), domain + ": " + s);
        assertEquals(1, s.pendingDsns(), domain + ": the DSN the port had not accepted");
        kit.createTestProbe().awaitAssert(WAIT, () -> {
          List<DsnRequest> resubmitted = dsn.requests.stream()
              .filter(r -> r.domain().equals(domain)).toList();
          assertEquals(1, resubmitted.size(), resubmitted.toString());
          assertEquals(DsnKind.FAILED, resubmitted.get(0).kind());
          assertEquals("QFAILDSN", resubmitted.get(0).queueId());
          assertEquals("bounce3@" + domain, resubmitted.get(0).recipients().get(0).recipient());
          return null;
        });
        long before = journalRows(url, domain);
        for (String done : COMPLETED) {
          TestProbe<StatusReply<Done>> ack = kit.createTestProbe();
          queue.tell(new EnqueueBatch(List.of(TestQueues.message(done, "s@x.example",
              "ok@" + domain)), ack.getRef()));
          assertTrue(ack.receiveMessage(WAIT).isSuccess());
        }
        assertEquals(before, journalRows(url, domain), "a completed message is remembered");
      }
    } finally {
      transport.gate.countDown();
      ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(30), false);
    }
  }

  @Test
  void theFixtureDeserializesIntoTheSameState() throws Exception {
    String url = "jdbc:h2:mem:compat" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    ActorTestKit kit = ActorTestKit.create("compat-ser", config(url, ""));
    try {
      SchemaUtils.createIfNotExists(kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      load(url);
      Serialization ser = SerializationExtension.get(kit.system());
      for (String domain : List.of(JOURNAL_DOMAIN, SNAPSHOT_DOMAIN)) {
        QueueState state = replay(url, "DeliveryQueue|" + domain, ser);
        for (Map.Entry<String, Integer> p : PENDING.entrySet()) {
          PendingMessage m = state.message(p.getKey()).orElseThrow();
          assertEquals(p.getValue(), m.attempts(), domain + " " + m);
        }
        assertTrue(state.message("QLATE").orElseThrow().delayWarned());
        assertFalse(state.message("QMIX").orElseThrow().delayWarned());
        assertEquals(List.of("defer1@" + domain), state.message("QMIX").orElseThrow().recipients());
        assertTrue(state.message("QMIX").orElseThrow().nextAttemptAt().isAfter(
            state.message("QMIX").orElseThrow().receivedAt().plus(Duration.ofMinutes(59))));
        for (String done : COMPLETED) {
          assertTrue(state.knows(done), domain + " remembers " + done);
          assertTrue(state.message(done).isEmpty());
        }
        assertEquals(1, state.pendingDsns().size());
        PendingDsn d = state.pendingDsns().iterator().next();
        assertEquals("QFAILDSN.F1", d.dsnId());
        assertEquals(550, d.recipients().get(0).code());
        assertEquals(Optional.empty(), d.retryUntil());
      }
    } finally {
      ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(30), false);
    }
  }

  /** The state a recovery builds: the newest snapshot, if any, then the events after it. */
  static QueueState replay(String url, String persistenceId, Serialization ser) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      QueueState state = new QueueState(10_000);
      long from = 0;
      try (PreparedStatement ps = c.prepareStatement("SELECT \"sequence_number\","
          + " \"snapshot_payload\", \"snapshot_ser_id\", \"snapshot_ser_manifest\" FROM"
          + " \"snapshot\" WHERE \"persistence_id\" = ? ORDER BY \"sequence_number\" DESC")) {
        ps.setString(1, persistenceId);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            from = rs.getLong(1);
            Snapshot s = (Snapshot) ser.deserialize(rs.getBytes(2), rs.getInt(3), rs.getString(4))
                .get();
            state = QueueState.fromSnapshot(s, 10_000);
          }
        }
      }
      if (persistenceId.endsWith(SNAPSHOT_DOMAIN)) {
        assertTrue(from > 0, "the fixture has a snapshot of " + persistenceId);
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT \"event_payload\", \"event_ser_id\","
          + " \"event_ser_manifest\" FROM \"event_journal\" WHERE \"persistence_id\" = ? AND"
          + " \"sequence_number\" > ? ORDER BY \"sequence_number\"")) {
        ps.setString(1, persistenceId);
        ps.setLong(2, from);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            state = state.apply((Event) ser.deserialize(rs.getBytes(1), rs.getInt(2),
                rs.getString(3)).get());
          }
        }
      }
      return state;
    }
  }

  static long journalRows(String url, String domain) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM \"event_journal\""
            + " WHERE \"persistence_id\" = ?")) {
      ps.setString(1, "DeliveryQueue|" + domain);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  // ------------------------------------------------------------------ the fixture format

  /**
   * Loads the fixture: per row a line {@code <table>} followed by {@code <column>=<value>} lines
   * and an empty line; binary values are {@code b64:...}, SQL NULL is {@code null:}, anything
   * else {@code s:<text>}.
   */
  static int load(String url) throws Exception {
    int rows = 0;
    try (InputStream in = JournalCompatibilityTest.class.getResourceAsStream(FIXTURE);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        Connection c = DriverManager.getConnection(url, "sa", "")) {
      String table = null;
      Map<String, String> row = new TreeMap<>();
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#")) {
          continue;
        }
        if (line.isEmpty()) {
          if (table != null) {
            insert(c, table, row);
            rows++;
          }
          table = null;
          row = new TreeMap<>();
        } else if (table == null) {
          table = line;
        } else {
          int eq = line.indexOf('=');
          row.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      if (table != null) {
        insert(c, table, row);
        rows++;
      }
    }
    return rows;
  }

  private static void insert(Connection c, String table, Map<String, String> row)
      throws Exception {
    List<String> columns = new ArrayList<>(row.keySet());
    String sql = "INSERT INTO \"" + table + "\" (" + String.join(", ",
        columns.stream().map(k -> "\"" + k + "\"").toList()) + ") VALUES ("
        + String.join(", ", columns.stream().map(k -> "?").toList()) + ")";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < columns.size(); i++) {
        String v = row.get(columns.get(i));
        if (v.startsWith("b64:")) {
          ps.setBytes(i + 1, Base64.getDecoder().decode(v.substring(4)));
        } else if (v.startsWith("null:")) {
          ps.setObject(i + 1, null);
        } else {
          ps.setString(i + 1, v.substring(2));
        }
      }
      ps.executeUpdate();
    }
  }

  static void dump(String url, Path fixture) throws Exception {
    StringBuilder out = new StringBuilder("# JDBC journal and snapshot rows of two DeliveryQueues"
        + " (H2), written by JournalCompatibilityTest.writeTheFixture; see that test.\n\n");
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      for (String table : TABLES) {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM \"" + table + "\" WHERE"
            + " \"persistence_id\" LIKE 'DeliveryQueue|%' ORDER BY \"persistence_id\","
            + " \"sequence_number\"");
            ResultSet rs = ps.executeQuery()) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            out.append(table).append('\n');
            for (int i = 1; i <= md.getColumnCount(); i++) {
              String name = md.getColumnName(i);
              Object v = rs.getObject(i);
              String text = v == null ? "null:"
                  : v instanceof byte[] || v instanceof java.sql.Blob
                      ? "b64:" + Base64.getEncoder().encodeToString(rs.getBytes(i))
                      : "s:" + v;
              out.append(name).append('=').append(text).append('\n');
            }
            out.append('\n');
          }
        }
      }
    }
    Files.writeString(fixture, out.toString());
  }

  // ------------------------------------------------------------------ writing the fixture

  /**
   * Writes the fixture with the current code: per queue, messages that end delivered, bounced
   * (with an accepted DSN, with one the DSN port refused, with a null sender), expired,
   * deferred after a partial delivery, deferred late enough for a delay warning, and one still
   * in its first attempt.
   */
  @Test
  @EnabledIfSystemProperty(named = "relay.writeJournalFixture", matches = ".+")
  void writeTheFixture() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("write") + ";WRITE_DELAY=0";
    Config config = config(url, "");
    FakeTransport transport = new FakeTransport();
    RecordingDsnPort dsn = new RecordingDsnPort();
    dsn.answer = r -> r.queueId().equals("QFAILDSN")
        ? CompletableFuture.failedFuture(new IllegalStateException("DSN port down"))
        : CompletableFuture.completedFuture(Done.getInstance());
    FileSpool spool = new FileSpool(dir.resolve("spool"), false, Runnable::run);
    CountDownLatch hold = new CountDownLatch(1);
    ActorTestKit kit = ActorTestKit.create("compat-write", config);
    try {
      SchemaUtils.createIfNotExists(kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      DeliveryPorts ports = new DeliveryPorts(transport, spool, dsn, Clock.systemUTC());
      Instant now = Instant.now();
      for (String d : List.of(JOURNAL_DOMAIN, SNAPSHOT_DOMAIN)) {
        ActorRef<Command> queue = kit.spawn(DeliveryQueue.create(d, settings(config, d), ports), d);
        List<QueuedMessage> batch = List.of(
            message("QDELIV", "s@x.example", now, "ok1@" + d),
            message("QBOUNCE", "s@x.example", now, "bounce1@" + d),
            message("QMIX", "s@x.example", now, "ok2@" + d, "defer1@" + d),
            message("QOLD", "s@x.example", now.minus(Duration.ofDays(2)), "defer0@" + d),
            message("QLATE", "s@x.example", now.minus(Duration.ofHours(2)), "defer2@" + d),
            message("QNULL", "", now, "bounce2@" + d),
            message("QFAILDSN", "s@x.example", now, "bounce3@" + d));
        for (QueuedMessage m : batch) {
          TestQueues.spool(spool, m.queueId(), d);
        }
        enqueue(kit, queue, batch);
        kit.createTestProbe().awaitAssert(WAIT, () -> {
          QueueStatus s = status(kit, queue);
          assertEquals(2, s.pendingMessages(), s.toString());
          assertEquals(0, s.inFlight(), s.toString());
          assertEquals(1, s.pendingDsns(), s.toString());
          return null;
        });
        transport.gate = hold; // QWAIT stays in its first attempt
        TestQueues.spool(spool, "QWAIT", d);
        enqueue(kit, queue, List.of(message("QWAIT", "s@x.example", now, "ok3@" + d)));
        kit.createTestProbe().awaitAssert(WAIT, () -> {
          assertEquals(1, status(kit, queue).inFlight());
          return null;
        });
        transport.gate = null;
      }
      dump(url, Path.of(System.getProperty("relay.writeJournalFixture")));
    } finally {
      hold.countDown();
      ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(30), false);
    }
  }

  static QueuedMessage message(String id, String sender, Instant receivedAt, String... rcpts) {
    return new QueuedMessage(id, sender, List.of(rcpts), 100, receivedAt, false, false);
  }

  static void enqueue(ActorTestKit kit, ActorRef<Command> queue, List<QueuedMessage> batch) {
    TestProbe<StatusReply<Done>> ack = kit.createTestProbe();
    queue.tell(new EnqueueBatch(batch, ack.getRef()));
    assertTrue(ack.receiveMessage(WAIT).isSuccess());
  }

  static QueueStatus status(ActorTestKit kit, ActorRef<Command> queue) {
    TestProbe<QueueStatus> probe = kit.createTestProbe();
    queue.tell(new GetStatus(probe.getRef()));
    return probe.receiveMessage(WAIT);
  }
}

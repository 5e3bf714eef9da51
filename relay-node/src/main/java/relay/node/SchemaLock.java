package relay.node;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import relay.node.config.StorageSettings;

/**
 * Serialises schema creation among nodes that start at the same time on one PostgreSQL: two
 * sessions running {@code CREATE TABLE IF NOT EXISTS} for the same table at once make one of them
 * fail ({@code pg_type_typname_nsp_index}). Held as a session-level advisory lock on a connection
 * of its own, released when closed. Nothing to do for the embedded H2 (one node).
 *
 * <p>While it is held, {@link #journalTablesMissing} tells whether the journal's DDL must run at
 * all: on a live cluster it must not, because {@code CREATE INDEX IF NOT EXISTS} takes a share
 * lock on the journal even when the index exists, and so waits for, then holds up, every write of
 * the running nodes.
 */
final class SchemaLock implements AutoCloseable {

  /** Any fixed number; all relay nodes of a database take the same lock. */
  private static final long LOCK_KEY = 0x52454C4159L; // "RELAY"
  /** How long a node waits for another to finish creating the schema. */
  private static final Duration LOCK_WAIT = Duration.ofMinutes(2);
  private static final long POLL_MS = 200;

  private final Connection connection;

  private SchemaLock(Connection connection) {
    this.connection = connection;
  }

  static SchemaLock acquire(StorageSettings storage) throws SQLException {
    if (storage.kind() != StorageSettings.Kind.POSTGRES) {
      return new SchemaLock(null);
    }
    Connection connection = DriverManager.getConnection(storage.jdbcUrl(), storage.user(),
        storage.password());
    try (Statement s = connection.createStatement()) {
      // Polled, not waited for: a session blocked in pg_advisory_lock holds a snapshot, and the
      // holder's CREATE INDEX CONCURRENTLY waits for every such session, a deadlock.
      long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
      while (true) {
        try (ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
          rs.next();
          if (rs.getBoolean(1)) {
            return new SchemaLock(connection);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new SQLException("another node held the schema lock for more than " + LOCK_WAIT);
        }
        Thread.sleep(POLL_MS);
      }
    } catch (InterruptedException e) {
      connection.close();
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for the schema lock", e);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** The pekko-persistence-jdbc tables, as its PostgreSQL schema names them. */
  private static final String[] JOURNAL_TABLES = {"event_journal", "event_tag", "snapshot", "durable_state"};

  /** True on H2 (its DDL is cheap and the node is alone), or when a journal table is missing. */
  boolean journalTablesMissing() throws SQLException {
    if (connection == null) {
      return true;
    }
    try (Statement s = connection.createStatement()) {
      for (String table : JOURNAL_TABLES) {
        try (ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NULL")) {
          rs.next();
          if (rs.getBoolean(1)) {
            return true;
          }
        }
      }
      return false;
    }
  }

  @Override
  public void close() throws SQLException {
    if (connection != null) {
      connection.close(); // ends the session and with it the lock
    }
  }
}

package relay.persistence.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import relay.persistence.testing.PostgresTestDatabase;

/**
 * The spool contracts on the local PostgreSQL server (base URL from system property {@code
 * relay.test.pg}, user postgres). The test creates its own database and drops it at the end;
 * skipped only if the server cannot be reached.
 */
class JdbcSpoolPostgresTest extends JdbcSpoolContractTest {

  private static PostgresTestDatabase database;

  static Connection admin() throws SQLException {
    return PostgresTestDatabase.admin();
  }

  @BeforeAll
  static void createDatabase() {
    database = PostgresTestDatabase.create();
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    database.drop();
  }

  @Override
  protected DataSource database() throws Exception {
    PGSimpleDataSource pg = database.dataSource();
    try (Connection c = pg.getConnection(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS relay_spool_ref");
      st.execute("DROP TABLE IF EXISTS relay_spool_chunk");
      st.execute("DROP TABLE IF EXISTS relay_spool_body");
    }
    return pg;
  }

  @Override
  protected String blobType() {
    return "BYTEA";
  }

  /**
   * A commit the server does not answer (here: another session holds the chunk table locked, so
   * the insert waits, as it would for a server that stopped answering) fails after the commit
   * timeout instead of hanging, and leaves nothing behind once the table is free again.
   */
  @Test
  void aCommitThatTheDatabaseDoesNotAnswerFailsAfterTheCommitTimeout() throws Exception {
    JdbcSpool bounded = new JdbcSpool(dataSource, blocking(), temp, Duration.ofSeconds(2));
    SpoolWriter writer = bounded.create("QT");
    writer.write(body(1000, 13), 0, 1000);
    try (Connection locker = dataSource.getConnection(); Statement st = locker.createStatement()) {
      locker.setAutoCommit(false);
      st.execute("LOCK TABLE relay_spool_chunk IN ACCESS EXCLUSIVE MODE");
      long started = System.nanoTime();
      ExecutionException failed = assertThrows(ExecutionException.class,
          () -> writer.commit(List.of("a.example")).toCompletableFuture().get(30, TimeUnit.SECONDS));
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertInstanceOf(IOException.class, failed.getCause());
      assertTrue(failed.getCause().getMessage().contains("longer than PT2S"), failed.getCause().getMessage());
      assertTrue(tookMs >= 1900 && tookMs < 15_000, "failed after " + tookMs + " ms");
      locker.rollback();
    }
    assertEquals(0, storedBodies());
    assertFalse(bounded.exists("QT", "a.example"));
    store("QT2", body(10, 14), List.of("a.example")); // the spool works on
    assertTrue(spool.exists("QT2", "a.example"));
  }
}

package relay.persistence.spool;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The spool contract on the local PostgreSQL server (base URL from system property {@code
 * relay.test.pg}, user postgres). The test creates its own database and drops it at the end;
 * skipped only if the server cannot be reached.
 */
class JdbcSpoolPostgresTest extends SpoolContractTest {

  private static final String BASE =
      System.getProperty("relay.test.pg", "jdbc:postgresql://127.0.0.1:5432/");
  private static String database;

  @TempDir java.nio.file.Path temp;
  private PGSimpleDataSource dataSource;

  static Connection admin() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    return DriverManager.getConnection(BASE + "postgres", p);
  }

  @BeforeAll
  static void createDatabase() {
    database = "relay_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      Assumptions.abort("PostgreSQL not reachable at " + BASE + ": " + e.getMessage());
    }
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  @Override
  protected Spool newSpool() throws Exception {
    dataSource = new PGSimpleDataSource();
    dataSource.setURL(BASE + database);
    dataSource.setUser("postgres");
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS relay_spool_ref");
      st.execute("DROP TABLE IF EXISTS relay_spool_body");
    }
    return new JdbcSpool(dataSource, blocking(), temp);
  }

  @Override
  protected long storedBodies() throws Exception {
    return storedBodies(dataSource);
  }
}

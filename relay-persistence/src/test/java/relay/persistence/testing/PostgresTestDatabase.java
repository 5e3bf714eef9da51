package relay.persistence.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A throw-away database on the local PostgreSQL server (base URL from system property {@code
 * relay.test.pg}, default 127.0.0.1:5432, user postgres, trust auth) for one test class: {@link
 * #create} aborts the test (skipped) only when the server cannot be reached; {@link #drop}
 * removes it.
 */
public final class PostgresTestDatabase {

  public static final String BASE =
      System.getProperty("relay.test.pg", "jdbc:postgresql://127.0.0.1:5432/");

  private final String name;

  private PostgresTestDatabase(String name) {
    this.name = name;
  }

  public static PostgresTestDatabase create() {
    String name = "relay_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      Assumptions.abort("PostgreSQL not reachable at " + BASE + ": " + e.getMessage());
    }
    return new PostgresTestDatabase(name);
  }

  /** A connection to the server's maintenance database {@code postgres}. */
  public static Connection admin() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    return DriverManager.getConnection(BASE + "postgres", p);
  }

  public String url() {
    return BASE + name;
  }

  public PGSimpleDataSource dataSource() {
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setURL(url());
    pg.setUser("postgres");
    return pg;
  }

  public void drop() throws SQLException {
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
}

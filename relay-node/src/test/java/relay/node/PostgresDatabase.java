package relay.node;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/**
 * A throw-away database on the local PostgreSQL (127.0.0.1:5432, user postgres, trust auth; base
 * URL from the system property relay.test.pg). Created for one test class, dropped at the end.
 */
final class PostgresDatabase implements AutoCloseable {

  static final String BASE_URL = System.getProperty("relay.test.pg", "jdbc:postgresql://127.0.0.1:5432/");

  private final String name;

  private PostgresDatabase(String name) {
    this.name = name;
  }

  static PostgresDatabase create() throws Exception {
    String name = "relay_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(BASE_URL + "postgres", "postgres", "");
         Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return new PostgresDatabase(name);
  }

  String url() {
    return BASE_URL + name;
  }

  @Override
  public void close() throws Exception {
    try (Connection c = DriverManager.getConnection(BASE_URL + "postgres", "postgres", "");
         Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
}

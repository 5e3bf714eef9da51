package relay.persistence.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.ds.PGSimpleDataSource;
import relay.persistence.testing.PostgresTestDatabase;

/**
 * The history store's contract on the local PostgreSQL (base URL from system property {@code
 * relay.test.pg}, user postgres), in a database of its own dropped at the end; skipped only if
 * the server cannot be reached.
 */
class HistoryStorePostgresTest extends HistoryStoreContractTest {

  private static PostgresTestDatabase database;

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
      for (String table : new String[] {"relay_history_event", "relay_history_recipient",
          "relay_history_message"}) {
        st.execute("DROP TABLE IF EXISTS " + table);
      }
    }
    return pg;
  }
}

package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.node.config.NodeSettings;
import relay.node.config.StorageSettings;

/**
 * The sessions the node opens on PostgreSQL get what the relay requires of them, on a real
 * server whose database is set to synchronous_commit = off: the node's own options turn it back
 * on (with its statement timeout); a URL that sets options itself leaves the database's off,
 * and the node refuses to start, saying why.
 */
class PostgresSessionSettingsTest {

  private static PostgresDatabase database;

  @TempDir Path dataDir;

  @BeforeAll
  static void createDatabaseWithAsynchronousCommits() throws Exception {
    database = PostgresDatabase.create();
    try (Connection c = DriverManager.getConnection(database.url(), "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("ALTER DATABASE " + c.getCatalog() + " SET synchronous_commit = off");
    }
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    database.close();
  }

  private StorageSettings storage(String url) {
    return NodeSettings.fromConfig(RelayConfig.layered(ConfigFactory.parseString(
        "relay.data-dir = \"" + dataDir + "\"\n"
            + "relay.storage { kind = postgres, postgres { url = \"" + url + "\", user = postgres,"
            + " statement-timeout = 7s } }"))).storage();
  }

  @Test
  void theNodesSessionsCommitSynchronouslyWhateverTheDatabaseSays() throws Exception {
    StorageSettings settings = storage(database.url());
    try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), "postgres", "");
        Statement st = c.createStatement()) {
      assertEquals("on", show(st, "synchronous_commit"));
      assertEquals("7s", show(st, "statement_timeout"));
      assertEquals("5s", show(st, "idle_in_transaction_session_timeout"));
    }
    try (NodeStorage storage = NodeStorage.open(settings, Runnable::run)) {
      assertTrue(storage.isReachable());
    }
  }

  @Test
  void aNodeWhoseSessionsWouldCommitAsynchronouslyRefusesToStart() throws Exception {
    StorageSettings settings = storage(database.url() + "?options=-c%20search_path=public");
    try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), "postgres", "");
        Statement st = c.createStatement()) {
      assertEquals("off", show(st, "synchronous_commit"), "the database's setting, as configured");
    }
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> NodeStorage.open(settings, Runnable::run));
    assertTrue(refused.getMessage().contains("synchronous_commit = off"), refused.getMessage());
    assertTrue(refused.getMessage().contains("relay.storage.postgres"), refused.getMessage());
  }

  private static String show(Statement st, String setting) throws Exception {
    try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}

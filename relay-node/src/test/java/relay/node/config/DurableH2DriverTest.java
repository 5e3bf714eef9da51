package relay.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the journal's H2 connections do: a sync of the database file after every commit, nothing
 * else changed. H2's own trace file (TRACE_LEVEL_FILE=3 records every JDBC call H2 receives)
 * shows the calls the driver makes on the real connection.
 */
class DurableH2DriverTest {

  @TempDir Path dir;

  @Test
  void everyCommitIsFollowedByASyncOfTheDatabaseFile() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0;TRACE_LEVEL_FILE=3";
    try (Connection c = new DurableH2Driver().connect(url, credentials())) {
      try (Statement st = c.createStatement()) {
        st.execute("CREATE TABLE t (id INT PRIMARY KEY)");
      }
      c.setAutoCommit(false);
      for (int i = 1; i <= 3; i++) {
        try (Statement st = c.createStatement()) {
          st.executeUpdate("INSERT INTO t VALUES (" + i + ")");
        }
        c.commit();
      }
      try (Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO t VALUES (99)");
      }
      c.rollback();
      c.setAutoCommit(true);
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM t")) {
        rs.next();
        assertEquals(3, rs.getInt(1), "commits and the rollback behave as on a plain connection");
      }
    }
    // the trace, reduced to commits, rollbacks and executed syncs, up to the rollback (what H2
    // does by itself afterwards, for setAutoCommit and close, is not the driver's)
    List<String> trace = Files.readAllLines(dir.resolve("db.trace.db"), StandardCharsets.UTF_8)
        .stream().map(l -> l.contains(".commit()") ? "commit" : l.contains(".rollback()")
            ? "rollback" : l.startsWith("/*SQL") && l.contains("CHECKPOINT SYNC") ? "sync" : "")
        .filter(l -> !l.isEmpty()).toList();
    assertEquals(List.of("commit", "sync", "commit", "sync", "commit", "sync", "rollback"),
        trace.subList(0, Math.min(7, trace.size())), String.join("\n", trace));
    assertEquals(3, trace.stream().filter("sync"::equals).count(), "no sync but after a commit");
  }

  @Test
  void otherUrlsAreLeftToTheirDrivers() throws Exception {
    DurableH2Driver driver = new DurableH2Driver();
    assertNull(driver.connect("jdbc:postgresql://127.0.0.1/x", new Properties()));
    assertTrue(driver.acceptsURL("jdbc:h2:mem:x"));
  }

  @Test
  void aConnectionEqualsOnlyItself() throws Exception {
    String url = "jdbc:h2:mem:identity;DB_CLOSE_DELAY=0";
    try (Connection a = new DurableH2Driver().connect(url, credentials());
        Connection b = new DurableH2Driver().connect(url, credentials())) {
      assertEquals(a, a);
      assertNotEquals(a, b);
      assertEquals(System.identityHashCode(a), a.hashCode());
    }
  }

  private static Properties credentials() {
    Properties p = new Properties();
    p.setProperty("user", "sa");
    p.setProperty("password", "");
    return p;
  }
}

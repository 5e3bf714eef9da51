package relay.persistence.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database spool beyond the common contract, on each database: bodies live in chunks of
 * {@link JdbcSpool#CHUNK_SIZE} that go with their body, a reader holds no connection between
 * chunks, and tables of the version before chunks are migrated with their bodies still readable
 * (and still writable the old way, as a node of that version does during a rolling upgrade).
 */
abstract class JdbcSpoolContractTest extends SpoolContractTest {

  @TempDir Path temp;

  /** Connections handed out and not yet closed, through {@link #counted}. */
  protected final AtomicInteger openConnections = new AtomicInteger();

  /** A fresh, empty database for each test. */
  protected abstract DataSource database() throws Exception;

  /** The data source the spool under test uses; set by {@link #newSpool}. */
  protected DataSource dataSource;

  @Override
  protected Spool newSpool() throws Exception {
    dataSource = counted(database());
    return new JdbcSpool(dataSource, blocking(), temp);
  }

  @Override
  protected long storedBodies() throws Exception {
    return storedBodies(dataSource);
  }

  long count(String sql) throws Exception {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aBodyIsStoredInChunksThatGoWithItsLastRelease() throws Exception {
    int size = 3 * JdbcSpool.CHUNK_SIZE + 17;
    byte[] body = body(size, 9);
    store("QK", body, List.of("a.example", "b.example"));
    assertEquals(4, count("SELECT COUNT(*) FROM relay_spool_chunk WHERE queue_id = 'QK'"));
    assertEquals(JdbcSpool.CHUNK_SIZE, count(
        "SELECT MAX(OCTET_LENGTH(data)) FROM relay_spool_chunk WHERE queue_id = 'QK'"));
    spool.release("QK", "a.example");
    assertEquals(4, count("SELECT COUNT(*) FROM relay_spool_chunk"));
    assertArrayEquals(body, readAll(spool.open("QK", "b.example")));
    spool.release("QK", "b.example");
    assertEquals(0, count("SELECT COUNT(*) FROM relay_spool_chunk"));
  }

  @Test
  void aReaderHoldsNoConnectionBetweenChunks() throws Exception {
    byte[] body = body(2 * JdbcSpool.CHUNK_SIZE + 5, 10);
    store("QR", body, List.of("a.example"));
    try (InputStream in = spool.open("QR", "a.example")) {
      assertEquals(0, openConnections.get(), "after open");
      byte[] first = in.readNBytes(JdbcSpool.CHUNK_SIZE + 1); // into the second chunk
      assertEquals(0, openConnections.get(), "while the reader is in the middle of the body");
      byte[] rest = in.readAllBytes();
      byte[] all = new byte[first.length + rest.length];
      System.arraycopy(first, 0, all, 0, first.length);
      System.arraycopy(rest, 0, all, first.length, rest.length);
      assertArrayEquals(body, all);
    }
    assertEquals(0, openConnections.get());
  }

  @Test
  void bodiesOfTheVersionBeforeChunksAreMigratedAndStillReadable() throws Exception {
    DataSource old = counted(database());
    byte[] legacy = body(JdbcSpool.CHUNK_SIZE + 100, 11);
    try (Connection c = old.getConnection(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS relay_spool_ref");
      st.execute("DROP TABLE IF EXISTS relay_spool_chunk");
      st.execute("DROP TABLE IF EXISTS relay_spool_body");
      // The tables as the version before chunks created them, with one of its bodies.
      st.execute("CREATE TABLE relay_spool_body (queue_id VARCHAR(64) NOT NULL PRIMARY KEY, body "
          + blobType() + " NOT NULL)");
      st.execute("CREATE TABLE relay_spool_ref (queue_id VARCHAR(64) NOT NULL "
          + "REFERENCES relay_spool_body(queue_id), domain VARCHAR(253) NOT NULL, "
          + "PRIMARY KEY (queue_id, domain))");
      insertTheOldWay(c, "QOLD", legacy);
    }
    dataSource = old;
    spool = new JdbcSpool(old, blocking(), temp);
    new JdbcSpool(old, blocking(), temp); // a second node starting: nothing left to migrate

    assertArrayEquals(legacy, readAll(spool.open("QOLD", "a.example")));
    byte[] fresh = body(1000, 12);
    store("QNEW", fresh, List.of("a.example"));
    assertArrayEquals(fresh, readAll(spool.open("QNEW", "a.example")));
    try (Connection c = old.getConnection()) {
      insertTheOldWay(c, "QOLD2", fresh); // a node of the old version, mid rolling upgrade
    }
    assertArrayEquals(fresh, readAll(spool.open("QOLD2", "a.example")));
    for (String id : List.of("QOLD", "QNEW", "QOLD2")) {
      spool.release(id, "a.example");
      assertFalse(spool.exists(id, "a.example"));
    }
    assertEquals(0, storedBodies());
    assertEquals(0, count("SELECT COUNT(*) FROM relay_spool_chunk"));
  }

  /** BLOB type of the old body column on this database. */
  protected abstract String blobType();

  /** What the version before chunks did on commit. */
  private static void insertTheOldWay(Connection c, String id, byte[] body) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO relay_spool_body (queue_id, body) VALUES (?, ?)")) {
      ps.setString(1, id);
      ps.setBytes(2, body);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO relay_spool_ref (queue_id, domain) VALUES (?, 'a.example')")) {
      ps.setString(1, id);
      ps.executeUpdate();
    }
  }

  /** {@code target}, counting the connections it hands out that are not yet closed. */
  DataSource counted(DataSource target) {
    return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          Object result = invoke(target, method, args);
          if (method.getName().equals("getConnection")) {
            openConnections.incrementAndGet();
            Connection connection = (Connection) result;
            return Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (p, m, a) -> {
                  if (m.getName().equals("close") && !connection.isClosed()) {
                    openConnections.decrementAndGet();
                  }
                  return invoke(connection, m, a);
                });
          }
          return result;
        });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}

package relay.persistence.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Spool in a relational database, for clusters where every node must read any body (PostgreSQL)
 * and for the embedded single-node default (H2).
 *
 * <p>Tables, created if missing: {@code relay_spool_body(queue_id, body)} with {@code body} a
 * {@code BYTEA} (PostgreSQL) or {@code BLOB} (H2), and {@code relay_spool_ref(queue_id, domain)},
 * one row per destination domain still holding the body. The dialect is picked from the
 * connection's metadata.
 *
 * <p>The writer stages the body in a {@link SpillBuffer} (memory up to 256 KiB, then a temporary
 * file) and inserts body and references in one transaction on commit, streaming the body with
 * {@code setBinaryStream}. {@link #open} copies the body into a new spill buffer and closes the
 * connection at once, so a slow remote SMTP server never holds a pooled connection. {@link
 * #release} deletes the reference and, when none is left, the body, in one transaction that first
 * locks the body row so two domains releasing at once cannot both miss the last reference.
 *
 * <p>Durability is the database's: PostgreSQL with {@code synchronous_commit = on} (default)
 * fsyncs the WAL at commit; H2 needs {@code ;WRITE_DELAY=0} in its URL so a commit is written to
 * the file before it returns (see the module's report on H2 durability).
 *
 * <p>XXX: PostgreSQL returns a {@code BYTEA} value whole, so {@link #open} briefly holds the
 * body in memory (the driver's buffer) before spilling it; bounded by the message size limit times
 * the number of concurrent deliveries. A chunked body table would remove this.
 */
public final class JdbcSpool implements Spool {

  /** Bodies up to this size stay in memory while staged or read; larger ones spill to disk. */
  static final int MEMORY_THRESHOLD = 256 * 1024;

  /** Queue ids per query of {@link #existing}. */
  static final int LOOKUP_CHUNK = 500;

  private final DataSource dataSource;
  private final Executor blocking;
  private final Path tempDir;

  /** Uses the JVM's temporary directory for bodies larger than 256 KiB. */
  public JdbcSpool(DataSource dataSource, Executor blocking) throws SQLException {
    this(dataSource, blocking, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * Opens the spool and creates its tables if missing.
   *
   * @param tempDir where bodies larger than 256 KiB are staged before insert and after read
   */
  public JdbcSpool(DataSource dataSource, Executor blocking, Path tempDir) throws SQLException {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.tempDir = Objects.requireNonNull(tempDir, "tempDir");
    createTablesIfMissing();
  }

  private void createTablesIfMissing() throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
      String blobType;
      if (product.contains("postgres")) {
        blobType = "BYTEA";
      } else if (product.contains("h2")) {
        blobType = "BLOB";
      } else {
        throw new SQLException("unsupported database for the spool: " + product);
      }
      c.setAutoCommit(true);
      st.execute("CREATE TABLE IF NOT EXISTS relay_spool_body ("
          + "queue_id VARCHAR(" + SpoolNames.MAX_QUEUE_ID + ") NOT NULL PRIMARY KEY, "
          + "body " + blobType + " NOT NULL)");
      st.execute("CREATE TABLE IF NOT EXISTS relay_spool_ref ("
          + "queue_id VARCHAR(" + SpoolNames.MAX_QUEUE_ID + ") NOT NULL "
          + "REFERENCES relay_spool_body(queue_id), "
          + "domain VARCHAR(" + SpoolNames.MAX_DOMAIN + ") NOT NULL, "
          + "PRIMARY KEY (queue_id, domain))");
    }
  }

  @Override
  public SpoolWriter create(String queueId) {
    return new Writer(SpoolNames.queueId(queueId));
  }

  @Override
  public InputStream open(String queueId, String domain) throws IOException {
    String id = SpoolNames.queueId(queueId);
    String key = SpoolNames.domain(domain);
    SpillBuffer copy = new SpillBuffer(MEMORY_THRESHOLD, tempDir);
    try {
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement(
              "SELECT b.body FROM relay_spool_body b JOIN relay_spool_ref r "
                  + "ON r.queue_id = b.queue_id WHERE r.queue_id = ? AND r.domain = ?")) {
        ps.setString(1, id);
        ps.setString(2, key);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new NoSuchSpoolEntryException(id, key);
          }
          try (InputStream body = rs.getBinaryStream(1)) {
            copy.writeFrom(body);
          }
        }
      }
      return copy.toInputStream();
    } catch (SQLException e) {
      copy.close();
      throw new IOException("spool read failed for " + id + " @ " + key, e);
    } catch (IOException | RuntimeException e) {
      copy.close();
      throw e;
    }
  }

  @Override
  public void release(String queueId, String domain) throws IOException {
    String id = SpoolNames.queueId(queueId);
    String key = SpoolNames.domain(domain);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement lock = c.prepareStatement(
            "SELECT queue_id FROM relay_spool_body WHERE queue_id = ? FOR UPDATE")) {
          lock.setString(1, id);
          try (ResultSet rs = lock.executeQuery()) {
            if (!rs.next()) {
              c.rollback();
              return;
            }
          }
        }
        try (PreparedStatement ref = c.prepareStatement(
            "DELETE FROM relay_spool_ref WHERE queue_id = ? AND domain = ?")) {
          ref.setString(1, id);
          ref.setString(2, key);
          ref.executeUpdate();
        }
        try (PreparedStatement body = c.prepareStatement(
            "DELETE FROM relay_spool_body WHERE queue_id = ? AND NOT EXISTS "
                + "(SELECT 1 FROM relay_spool_ref WHERE queue_id = ?)")) {
          body.setString(1, id);
          body.setString(2, id);
          body.executeUpdate();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IOException("spool release failed for " + id + " @ " + key, e);
    }
  }

  /** @throws IllegalStateException if the database cannot be asked */
  @Override
  public boolean exists(String queueId, String domain) {
    String id = SpoolNames.queueId(queueId);
    String key = SpoolNames.domain(domain);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT 1 FROM relay_spool_ref WHERE queue_id = ? AND domain = ?")) {
      ps.setString(1, id);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("spool lookup failed for " + id + " @ " + key, e);
    }
  }

  /** One query per {@value #LOOKUP_CHUNK} ids instead of one per id. */
  @Override
  public Set<String> existing(Collection<String> queueIds, String domain) throws IOException {
    String key = SpoolNames.domain(domain);
    List<String> ids = new ArrayList<>(queueIds.size());
    for (String id : queueIds) {
      ids.add(SpoolNames.queueId(id));
    }
    Set<String> found = new LinkedHashSet<>();
    try (Connection c = dataSource.getConnection()) {
      for (int from = 0; from < ids.size(); from += LOOKUP_CHUNK) {
        List<String> chunk = ids.subList(from, Math.min(ids.size(), from + LOOKUP_CHUNK));
        String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT queue_id FROM relay_spool_ref "
            + "WHERE domain = ? AND queue_id IN (" + marks + ")")) {
          ps.setString(1, key);
          for (int i = 0; i < chunk.size(); i++) {
            ps.setString(i + 2, chunk.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              found.add(rs.getString(1));
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new IOException("spool lookup failed for " + ids.size() + " ids @ " + key, e);
    }
    return found;
  }

  private void insert(String queueId, Set<String> keys, SpillBuffer body) throws IOException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO relay_spool_body (queue_id, body) VALUES (?, ?)");
            InputStream in = body.readAgain()) {
          ps.setString(1, queueId);
          ps.setBinaryStream(2, in, body.length());
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO relay_spool_ref (queue_id, domain) VALUES (?, ?)")) {
          for (String key : keys) {
            ps.setString(1, queueId);
            ps.setString(2, key);
            ps.addBatch();
          }
          ps.executeBatch();
        }
        c.commit();
      } catch (SQLException | IOException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IOException("spool commit failed for " + queueId, e);
    }
  }

  /** Stages one body; states: open -> committing, or open -> aborted. */
  private final class Writer extends StagedWriter {

    private final SpillBuffer buffer = new SpillBuffer(MEMORY_THRESHOLD, tempDir);

    Writer(String queueId) {
      super(queueId, blocking);
    }

    @Override
    void stage(byte[] bytes, int offset, int length) throws IOException {
      buffer.write(bytes, offset, length);
    }

    @Override
    void makeDurable(Set<String> keys) throws IOException {
      try (buffer) {
        insert(queueId(), keys, buffer);
      }
    }

    @Override
    void discard() {
      buffer.close();
    }
  }

}

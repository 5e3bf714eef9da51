package relay.persistence.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Spool in a relational database, for clusters where every node must read any body (PostgreSQL)
 * and for the embedded single-node default (H2) when {@code relay.storage.spool = database}.
 *
 * <p>Tables (see {@link SpoolTables}, which creates and migrates them): a head row per body in
 * {@code relay_spool_body}, its bytes in {@code relay_spool_chunk} rows of at most {@value
 * #CHUNK_SIZE} bytes, and {@code relay_spool_ref(queue_id, domain)}, one row per destination
 * domain still holding the body. The dialect is picked from the connection's metadata.
 *
 * <p>The writer stages the body in a {@link SpillBuffer} (memory up to 256 KiB, then a temporary
 * file) and inserts the head row, the chunks and the references in one transaction on commit,
 * one chunk in memory at a time; a timer aborts the commit's connection when it runs past the
 * commit timeout ({@link CommitDeadline}). {@link #open} returns a {@link ChunkStream}, which
 * reads one chunk per query on a connection it returns at once, so a delivery holds at most one
 * chunk in memory and a slow remote SMTP server never holds a pooled connection. A body written
 * before chunks existed (one {@code body} value) is still read: copied into a spill buffer as
 * before. {@link #release} deletes the reference and, when none is left, the body (and with it
 * its chunks), in one transaction that first locks the body row so two domains releasing at once
 * cannot both miss the last reference.
 *
 * <p>Durability is the database's: PostgreSQL with {@code synchronous_commit = on} (the node
 * sets it for its sessions and checks it at start) fsyncs the WAL at commit; H2 needs {@code
 * ;WRITE_DELAY=0} in its URL so a commit is written to the file before it returns (see the
 * module's report on H2 durability).
 */
public final class JdbcSpool implements Spool, SpoolScan {

  /** Bodies up to this size stay in memory while staged or read; larger ones spill to disk. */
  static final int MEMORY_THRESHOLD = 256 * 1024;

  /** Queue ids per query of {@link #existing}. */
  static final int LOOKUP_CHUNK = 500;

  /** Bytes per row of the chunk table: what a read or a commit holds in memory at once. */
  public static final int CHUNK_SIZE = 256 * 1024;

  /** How long a commit may take when the caller does not say. */
  public static final Duration DEFAULT_COMMIT_TIMEOUT = Duration.ofSeconds(30);

  private final DataSource dataSource;
  private final Executor blocking;
  private final Path tempDir;
  private final Duration commitTimeout;

  /** Uses the JVM's temporary directory for bodies larger than 256 KiB. */
  public JdbcSpool(DataSource dataSource, Executor blocking) throws SQLException {
    this(dataSource, blocking, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** Commits bounded by {@link #DEFAULT_COMMIT_TIMEOUT}. */
  public JdbcSpool(DataSource dataSource, Executor blocking, Path tempDir) throws SQLException {
    this(dataSource, blocking, tempDir, DEFAULT_COMMIT_TIMEOUT);
  }

  /**
   * Opens the spool and creates or migrates its tables.
   *
   * @param tempDir where bodies larger than 256 KiB are staged before insert
   * @param commitTimeout longest a commit may take before its connection is aborted and the
   *     commit fails (the database stopped answering)
   */
  public JdbcSpool(DataSource dataSource, Executor blocking, Path tempDir, Duration commitTimeout)
      throws SQLException {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.tempDir = Objects.requireNonNull(tempDir, "tempDir");
    this.commitTimeout = Objects.requireNonNull(commitTimeout, "commitTimeout");
    if (commitTimeout.isNegative() || commitTimeout.isZero()) {
      throw new IllegalArgumentException("commit timeout must be positive, not " + commitTimeout);
    }
    SpoolTables.prepare(dataSource);
  }

  @Override
  public SpoolWriter create(String queueId) {
    return new Writer(SpoolNames.queueId(queueId));
  }

  @Override
  public InputStream open(String queueId, String domain) throws IOException {
    String id = SpoolNames.queueId(queueId);
    String key = SpoolNames.domain(domain);
    Integer chunks;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = bodyColumn(c, "chunks", id, key)) {
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NoSuchSpoolEntryException(id, key);
        }
        int n = rs.getInt(1);
        chunks = rs.wasNull() ? null : n;
      }
    } catch (SQLException e) {
      throw new IOException("spool read failed for " + id + " @ " + key, e);
    }
    return chunks == null ? openWhole(id, key) : new ChunkStream(dataSource, id, chunks);
  }

  /** A query of one column of the body row that {@code domain}'s reference holds. */
  private static PreparedStatement bodyColumn(Connection c, String column, String id, String key)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement("SELECT b." + column + " FROM relay_spool_body b "
        + "JOIN relay_spool_ref r ON r.queue_id = b.queue_id WHERE r.queue_id = ? AND r.domain = ?");
    try {
      ps.setString(1, id);
      ps.setString(2, key);
      return ps;
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  /**
   * A body written before chunks existed: one value, which PostgreSQL returns whole, so it is
   * copied into a spill buffer and the connection closed at once (as that version read it).
   */
  private InputStream openWhole(String id, String key) throws IOException {
    SpillBuffer copy = new SpillBuffer(MEMORY_THRESHOLD, tempDir);
    try {
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = bodyColumn(c, "body", id, key)) {
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

  /**
   * Bodies by {@code (created_at, queue_id)} (an index), at most {@code max} per page, with their
   * references; {@code next} is the last body's {@code created_at} and queue id.
   */
  @Override
  public Page scan(Optional<String> from, Instant committedBefore, int max) throws IOException {
    OffsetDateTime afterTime = OffsetDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC);
    String afterId = "";
    if (from.isPresent()) {
      int bar = from.get().indexOf('|');
      afterTime = OffsetDateTime.parse(from.get().substring(0, bar));
      afterId = from.get().substring(bar + 1);
    }
    String sql = "SELECT b.queue_id, b.created_at, r.domain FROM (SELECT queue_id, created_at "
        + "FROM relay_spool_body WHERE created_at < ? AND (created_at > ? OR (created_at = ? "
        + "AND queue_id > ?)) ORDER BY created_at, queue_id LIMIT ?) b "
        + "JOIN relay_spool_ref r ON r.queue_id = b.queue_id ORDER BY b.created_at, b.queue_id";
    List<Entry> entries = new ArrayList<>();
    Set<String> bodies = new LinkedHashSet<>();
    String last = null;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, OffsetDateTime.ofInstant(committedBefore, ZoneOffset.UTC));
      ps.setObject(2, afterTime);
      ps.setObject(3, afterTime);
      ps.setString(4, afterId);
      ps.setInt(5, max);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          OffsetDateTime created = rs.getObject(2, OffsetDateTime.class);
          entries.add(new Entry(rs.getString(1), rs.getString(3), created.toInstant()));
          bodies.add(rs.getString(1));
          last = created + "|" + rs.getString(1);
        }
      }
    } catch (SQLException e) {
      throw new IOException("spool scan failed", e);
    }
    // fewer bodies than asked for: the end (a body without reference is never committed)
    return new Page(entries, bodies.size() < max ? Optional.empty() : Optional.ofNullable(last));
  }

  /**
   * Head row, chunks and references in one transaction, one chunk in memory at a time, under a
   * deadline that aborts the connection.
   */
  private void insert(String queueId, Set<String> keys, SpillBuffer body) throws IOException {
    int chunks = (int) ((body.length() + CHUNK_SIZE - 1) / CHUNK_SIZE);
    try (Connection c = dataSource.getConnection();
        CommitDeadline deadline = CommitDeadline.arm(c, commitTimeout)) {
      try {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO relay_spool_body (queue_id, chunks) VALUES (?, ?)")) {
          ps.setString(1, queueId);
          ps.setInt(2, chunks);
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO relay_spool_chunk (queue_id, seq, data) VALUES (?, ?, ?)");
            InputStream in = body.readAgain()) {
          for (int seq = 0; seq < chunks; seq++) {
            byte[] data = in.readNBytes(CHUNK_SIZE);
            ps.setString(1, queueId);
            ps.setInt(2, seq);
            ps.setBytes(3, data);
            ps.executeUpdate();
          }
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
        rollbackQuietly(c);
        if (deadline.expired()) {
          throw new IOException("spool commit of " + queueId + " took longer than "
              + commitTimeout + "; connection aborted", e);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new IOException("spool commit failed for " + queueId, e);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException | RuntimeException ignored) {
      // an aborted or broken connection: the server drops the transaction with the session
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

package relay.node;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import relay.node.config.StorageSettings;
import relay.persistence.history.HistorySettings;
import relay.persistence.history.HistoryStore;
import relay.persistence.history.HistoryWriter;
import relay.persistence.history.JdbcHistoryReader;
import relay.persistence.history.MessageHistory;
import relay.persistence.history.MessageHistoryReader;
import relay.persistence.spool.FileSpool;
import relay.persistence.spool.JdbcSpool;
import relay.persistence.spool.Spool;

/**
 * The node's handle on its storage beyond the journal (which pekko-persistence-jdbc pools itself):
 * the spool of message bodies, and a small connection pool for the spool and health checks; the
 * message history's store on a pool of its own ({@value #HISTORY_POOL} connections: its writer
 * and API reads), so that history never waits for, nor holds, a connection the spool needs.
 */
final class NodeStorage implements AutoCloseable {

  /** Connections of the history's pool: one for its writer, the rest for API reads. */
  static final int HISTORY_POOL = 3;

  private final HikariDataSource dataSource;
  private final HikariDataSource historyPool;
  private final Spool spool;
  private final StorageProbe probe;
  private final HistoryStore history;
  private HistoryWriter historyWriter; // guarded by this

  private NodeStorage(HikariDataSource dataSource, HikariDataSource historyPool, Spool spool,
      StorageProbe probe, HistoryStore history) {
    this.dataSource = dataSource;
    this.historyPool = historyPool;
    this.spool = spool;
    this.probe = probe;
    this.history = history;
  }

  static NodeStorage open(StorageSettings settings, Executor io) throws IOException, SQLException {
    HikariDataSource dataSource = pool(settings, "relay-spool",
        settings.spool() == StorageSettings.SpoolKind.DATABASE ? settings.poolSize() : 2);
    HikariDataSource historyPool = null;
    try {
      if (settings.kind() == StorageSettings.Kind.POSTGRES) {
        requireSynchronousCommit(dataSource);
      }
      Spool spool;
      if (settings.spool() == StorageSettings.SpoolKind.FILE) {
        FileSpool files = new FileSpool(settings.spoolDir(), true, io, settings.spoolRecycle());
        // Bodies of sessions cut off by a crash before their commit: never acknowledged.
        files.deleteStaleTemporaryFiles();
        spool = files;
      } else {
        spool = new JdbcSpool(dataSource, io, Path.of(System.getProperty("java.io.tmpdir")),
            settings.timeouts().spoolCommit());
      }
      boolean writesFiles = settings.kind() == StorageSettings.Kind.H2
          || settings.spool() == StorageSettings.SpoolKind.FILE;
      historyPool = pool(settings, "relay-history", HISTORY_POOL);
      HistoryStore history = new HistoryStore(historyPool);
      return new NodeStorage(dataSource, historyPool, spool, new StorageProbe(dataSource,
          writesFiles ? Optional.of(settings.spoolDir().getParent()) : Optional.empty()), history);
    } catch (IOException | SQLException | RuntimeException e) {
      if (historyPool != null) {
        historyPool.close();
      }
      dataSource.close();
      throw e;
    }
  }

  private static HikariDataSource pool(StorageSettings settings, String name, int size) {
    HikariConfig pool = new HikariConfig();
    pool.setPoolName(name);
    pool.setJdbcUrl(settings.jdbcUrl());
    pool.setUsername(settings.user());
    pool.setPassword(settings.password());
    pool.setDriverClassName(settings.driverClass());
    pool.setMaximumPoolSize(size);
    pool.setMinimumIdle(1);
    pool.setConnectionTimeout(settings.timeouts().poolConnection().toMillis());
    pool.setValidationTimeout(settings.timeouts().poolValidation().toMillis());
    pool.setConnectionTestQuery(settings.poolTestQuery());
    return new HikariDataSource(pool);
  }

  /**
   * A commit acknowledged by PostgreSQL must survive a crash of the server: the node asks for
   * synchronous_commit = on in its sessions' options, and refuses to run where its sessions end
   * up with off (a URL with options of its own, and the database or role set to off).
   */
  static void requireSynchronousCommit(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW synchronous_commit")) {
      rs.next();
      String value = rs.getString(1);
      if (value.equalsIgnoreCase("off")) {
        throw new IllegalStateException("relay.storage.postgres: the relay's sessions run with "
            + "synchronous_commit = off, so a commit can be lost with the database server after "
            + "the client was told 250; remove synchronous_commit = off from the database's or "
            + "role's settings (ALTER DATABASE / ALTER ROLE ... RESET synchronous_commit) or add "
            + "-c synchronous_commit=on to the options of relay.storage.postgres.url");
      }
    }
  }

  Spool spool() {
    return spool;
  }

  /**
   * Where this node's acceptances and queue outcomes go for the message history: a {@link
   * HistoryWriter} started here (closed, after writing what it holds, by {@link #close}) when
   * relay.history.enabled, else nothing is kept.
   */
  synchronized MessageHistory startHistory(HistorySettings settings, Clock clock) {
    if (!settings.enabled()) {
      return MessageHistory.NONE;
    }
    if (historyWriter == null) {
      historyWriter = HistoryWriter.start(history, settings, clock);
    }
    return historyWriter;
  }

  /** Reads of the message history (the API), on {@code io}; work whether this node writes or not. */
  MessageHistoryReader historyReader(Executor io) {
    return new JdbcHistoryReader(history, io);
  }

  /**
   * The storage's health as last checked (every {@link StorageProbe#INTERVAL}); never blocks, so
   * the health routes may ask it on the default pool.
   */
  boolean isReachable() {
    return probe.healthy();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (historyWriter != null) {
        historyWriter.close();
      }
    }
    probe.close();
    historyPool.close();
    dataSource.close();
  }
}

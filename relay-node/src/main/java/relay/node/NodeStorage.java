package relay.node;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import relay.node.config.StorageSettings;
import relay.persistence.spool.FileSpool;
import relay.persistence.spool.JdbcSpool;
import relay.persistence.spool.Spool;

/**
 * The node's handle on its storage beyond the journal (which pekko-persistence-jdbc pools itself):
 * the spool of message bodies, and a small connection pool for the spool and health checks.
 */
final class NodeStorage implements AutoCloseable {

  private final HikariDataSource dataSource;
  private final Spool spool;
  private final StorageProbe probe;

  private NodeStorage(HikariDataSource dataSource, Spool spool, StorageProbe probe) {
    this.dataSource = dataSource;
    this.spool = spool;
    this.probe = probe;
  }

  static NodeStorage open(StorageSettings settings, Executor io) throws IOException, SQLException {
    HikariConfig pool = new HikariConfig();
    pool.setPoolName("relay-spool");
    pool.setJdbcUrl(settings.jdbcUrl());
    pool.setUsername(settings.user());
    pool.setPassword(settings.password());
    pool.setDriverClassName(settings.driverClass());
    pool.setMaximumPoolSize(settings.spool() == StorageSettings.SpoolKind.DATABASE ? settings.poolSize() : 2);
    pool.setMinimumIdle(1);
    pool.setConnectionTimeout(settings.timeouts().poolConnection().toMillis());
    pool.setValidationTimeout(settings.timeouts().poolValidation().toMillis());
    pool.setConnectionTestQuery(settings.poolTestQuery());
    HikariDataSource dataSource = new HikariDataSource(pool);
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
      return new NodeStorage(dataSource, spool, new StorageProbe(dataSource,
          writesFiles ? Optional.of(settings.spoolDir().getParent()) : Optional.empty()));
    } catch (IOException | SQLException | RuntimeException e) {
      dataSource.close();
      throw e;
    }
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
   * The storage's health as last checked (every {@link StorageProbe#INTERVAL}); never blocks, so
   * the health routes may ask it on the default pool.
   */
  boolean isReachable() {
    return probe.healthy();
  }

  @Override
  public void close() {
    probe.close();
    dataSource.close();
  }
}

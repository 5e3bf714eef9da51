package relay.node;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;
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

  private NodeStorage(HikariDataSource dataSource, Spool spool) {
    this.dataSource = dataSource;
    this.spool = spool;
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
    HikariDataSource dataSource = new HikariDataSource(pool);
    try {
      Spool spool;
      if (settings.spool() == StorageSettings.SpoolKind.FILE) {
        FileSpool files = new FileSpool(settings.spoolDir(), true, io, settings.spoolRecycle());
        // Bodies of sessions cut off by a crash before their commit: never acknowledged.
        files.deleteStaleTemporaryFiles();
        spool = files;
      } else {
        spool = new JdbcSpool(dataSource, io);
      }
      return new NodeStorage(dataSource, spool);
    } catch (IOException | SQLException | RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  Spool spool() {
    return spool;
  }

  boolean isReachable() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(2);
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}

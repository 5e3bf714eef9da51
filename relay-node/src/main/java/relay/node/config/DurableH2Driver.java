package relay.node.config;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The H2 driver with an fsync after every commit: what the journal of a single node uses, so that
 * a {@code 250} survives a power loss and not only a crash of the process.
 *
 * <p>H2 writes each commit into its file before the commit returns ({@code WRITE_DELAY=0}) but
 * never forces it to the disk; until the kernel writes its cache back (up to about 30 s), a power
 * loss or a kernel crash can take acknowledged messages with it, although their bodies were
 * fsynced by the spool. Each connection of this driver follows a successful {@code commit()} with
 * H2's {@code CHECKPOINT SYNC}, which forces the database file to the disk (H2 2.x: {@code
 * Database.sync()}, {@code FileChannel.force}). The journal writes with one connection at a time
 * and puts the events of every waiting queue into one transaction, so that is one fsync per
 * batch. Statements run in auto-commit mode are not followed by a sync: the journal's writes run
 * in transactions; what it runs otherwise (deleting old events) may be redone after a power loss.
 *
 * <p>Not registered with {@link java.sql.DriverManager}: only the pool that names this class
 * (the journal's, through {@code StorageSettings.persistenceConfig()}) uses it.
 */
public final class DurableH2Driver implements Driver {

  private static final String SYNC = "CHECKPOINT SYNC";

  private final Driver h2 = new org.h2.Driver();

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    Connection connection = h2.connect(url, info);
    return connection == null ? null : syncingOnCommit(connection);
  }

  /** {@code connection}, with each successful commit followed by {@code CHECKPOINT SYNC}. */
  private static Connection syncingOnCommit(Connection connection) {
    return (Connection) Proxy.newProxyInstance(DurableH2Driver.class.getClassLoader(),
        new Class<?>[] {Connection.class}, new SyncOnCommit(connection));
  }

  @Override
  public boolean acceptsURL(String url) throws SQLException {
    return url != null && url.startsWith("jdbc:h2:");
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
    return h2.getPropertyInfo(url, info);
  }

  @Override
  public int getMajorVersion() {
    return h2.getMajorVersion();
  }

  @Override
  public int getMinorVersion() {
    return h2.getMinorVersion();
  }

  @Override
  public boolean jdbcCompliant() {
    return h2.jdbcCompliant();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no java.util.logging in the relay");
  }

  /** Passes every call through; after {@code commit()} returned, forces the file to disk. */
  private static final class SyncOnCommit implements InvocationHandler {

    private final Connection target;
    private PreparedStatement sync;

    SyncOnCommit(Connection target) {
      this.target = target;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (name.equals("equals")) {
        return proxy == args[0];
      }
      if (name.equals("hashCode")) {
        return System.identityHashCode(proxy);
      }
      Object result;
      try {
        result = method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (name.equals("commit") && method.getParameterCount() == 0) {
        sync();
      } else if (name.equals("close") && method.getParameterCount() == 0) {
        sync = null; // closed with its connection
      }
      return result;
    }

    private void sync() throws SQLException {
      if (sync == null) {
        sync = target.prepareStatement(SYNC);
      }
      sync.executeUpdate();
    }
  }
}

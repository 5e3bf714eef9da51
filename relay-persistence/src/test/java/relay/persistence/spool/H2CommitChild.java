package relay.persistence.spool;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Child process of {@link H2CrashDurabilityTest}: commits, one after another, a spool entry and a
 * small row shaped like a journal event (binary column, no LOB) to an H2 file database and prints
 * "committed &lt;id&gt;" after both commits returned, until killed.
 */
public final class H2CommitChild {

  private H2CommitChild() {}

  public static void main(String[] args) throws Exception {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(args[0]);
    JdbcSpool spool = new JdbcSpool(ds, Executors.newSingleThreadExecutor());
    byte[] body = new byte[2048];
    java.sql.Connection rows = ds.getConnection();
    rows.createStatement().execute(
        "CREATE TABLE IF NOT EXISTS crash_probe (id VARCHAR(64) PRIMARY KEY, payload VARBINARY(512))");
    java.sql.PreparedStatement insert =
        rows.prepareStatement("INSERT INTO crash_probe (id, payload) VALUES (?, ?)");
    System.out.println("ready");
    for (int i = 0; ; i++) {
      SpoolWriter w = spool.create("crash-" + i);
      w.write(body, 0, body.length);
      w.commit(List.of("a.example")).toCompletableFuture().get(30, TimeUnit.SECONDS);
      insert.setString(1, "crash-" + i);
      insert.setBytes(2, new byte[200]);
      insert.executeUpdate();
      System.out.println("committed crash-" + i);
      System.out.flush();
    }
  }
}

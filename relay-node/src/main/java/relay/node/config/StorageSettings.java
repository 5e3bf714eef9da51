package relay.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import relay.protocol.settings.Bounds;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where the journal, snapshots and spool live: embedded H2 in the data directory (one node) or a
 * shared PostgreSQL (clusters). {@link #persistenceConfig()} turns this into the
 * pekko-persistence-jdbc database block so that the operator writes one storage section only.
 */
public record StorageSettings(Kind kind, String jdbcUrl, String user, String password, int poolSize,
    SpoolKind spool, Path spoolDir, int spoolRecycle, boolean syncOnCommit, Timeouts timeouts) {

  /**
   * How long a storage call may wait before it fails: for a connection from a pool (Hikari's
   * connectionTimeout; validationTimeout for the check of an idle one), and for a commit of the
   * database spool. The PostgreSQL socket, connect and statement timeouts travel in the URL.
   */
  public record Timeouts(Duration poolConnection, Duration poolValidation, Duration spoolCommit) {}

  /** pekko-persistence-jdbc's number of journal inserts running at once. */
  public static final String JOURNAL_PARALLELISM = "jdbc-journal.parallelism";

  private static final String PATH = "relay.storage";

  public enum Kind { H2, POSTGRES }

  public enum SpoolKind { FILE, DATABASE }

  static StorageSettings fromConfig(Config storage, Path dataDir) {
    Kind kind = switch (storage.getString("kind").toLowerCase(Locale.ROOT)) {
      case "h2" -> Kind.H2;
      case "postgres", "postgresql" -> Kind.POSTGRES;
      default -> throw new IllegalArgumentException(
          "relay.storage.kind must be \"h2\" or \"postgres\", not \"" + storage.getString("kind") + "\"");
    };
    int pool = Bounds.within("relay.storage.pool-size", storage.getInt("pool-size"), 2, 200);
    SpoolKind spool = switch (storage.getString("spool").toLowerCase(Locale.ROOT)) {
      case "auto" -> kind == Kind.H2 ? SpoolKind.FILE : SpoolKind.DATABASE;
      case "file" -> SpoolKind.FILE;
      case "database" -> SpoolKind.DATABASE;
      default -> throw new IllegalArgumentException(
          "relay.storage.spool must be \"auto\", \"file\" or \"database\", not \"" + storage.getString("spool") + "\"");
    };
    Path spoolDir = dataDir.resolve("spool");
    Timeouts timeouts = timeouts(storage);
    int recycle = Bounds.within("relay.storage.spool-recycle", storage.getInt("spool-recycle"), 0,
        1_000_000);
    boolean syncOnCommit = storage.getBoolean("h2.sync-on-commit");
    if (kind == Kind.H2) {
      // WRITE_DELAY=0: every commit reaches the file before it returns, so a killed process loses
      // no acknowledged write (H2's default keeps up to 500 ms of commits in memory); the
      // journal's DurableH2Driver then forces it to the disk (h2.sync-on-commit).
      // MAX_LENGTH_INPLACE_LOB: journal payloads are BLOB columns; H2 moves any over 256 bytes
      // into its separate LOB store, which costs extra maps and pages on every commit. Batched
      // events are a few KB, so they stay in the row.
      Path file = Path.of(storage.getString("h2.file")).toAbsolutePath();
      String url = "jdbc:h2:file:" + file + ";WRITE_DELAY=0;MAX_LENGTH_INPLACE_LOB=65536;DB_CLOSE_ON_EXIT=FALSE";
      return new StorageSettings(kind, url, "sa", "", pool, spool, spoolDir, recycle,
          syncOnCommit, timeouts);
    }
    String url = PostgresSessionOptions.fromConfig(storage.getConfig("postgres"))
        .applyTo(storage.getString("postgres.url"));
    return new StorageSettings(kind, url, storage.getString("postgres.user"),
        storage.getString("postgres.password"), pool, spool, spoolDir, recycle, syncOnCommit,
        timeouts);
  }

  private static Timeouts timeouts(Config storage) {
    Duration connection = duration(storage, PATH, "pool-connection-timeout",
        Duration.ofMillis(500), Duration.ofMinutes(5));
    Duration validation = duration(storage, PATH, "pool-validation-timeout",
        Duration.ofMillis(250), Duration.ofMinutes(1));
    if (validation.compareTo(connection) >= 0) {
      throw new IllegalArgumentException("relay.storage.pool-validation-timeout (" + validation
          + ") must be shorter than relay.storage.pool-connection-timeout (" + connection + ")");
    }
    Duration commit = duration(storage, PATH, "spool-commit-timeout", Duration.ofSeconds(1),
        Duration.ofMinutes(30));
    return new Timeouts(connection, validation, commit);
  }

  /** The duration at {@code key} of the section at {@code path} (for messages), within bounds. */
  static Duration duration(Config section, String path, String key, Duration min, Duration max) {
    return Bounds.within(path + "." + key, section.getDuration(key), min, max);
  }

  /** Everything but the password, which must never reach a log. */
  @Override
  public String toString() {
    return "StorageSettings[kind=" + kind + ", jdbcUrl=" + jdbcUrl + ", user=" + user
        + ", password=" + (password.isEmpty() ? "(none)" : "(hidden)") + ", poolSize=" + poolSize
        + ", spool=" + spool + ", spoolDir=" + spoolDir + ", spoolRecycle=" + spoolRecycle
        + ", syncOnCommit=" + syncOnCommit + ", timeouts=" + timeouts + "]";
  }

  /**
   * The pekko-persistence-jdbc shared database block for this storage, and the journal's write
   * parallelism: H2 stores one commit after the other into its single file, so one writer that
   * puts the events of all the queues waiting at that moment into one insert costs less than
   * eight small commits (measured with ops/bench, 20,000 x 1 KB on 2 cores: 2.36 and 2.56 ms
   * CPU per message against 2.42 and 3.18 with eight). PostgreSQL keeps the plugin's eight
   * concurrent writes.
   */
  public Config persistenceConfig() {
    String prefix = "pekko-persistence-jdbc.shared-databases.slick.";
    boolean h2 = kind == Kind.H2;
    Map<String, Object> values = new HashMap<>(Map.of(
        prefix + "profile", h2 ? "slick.jdbc.H2Profile$" : "slick.jdbc.PostgresProfile$",
        prefix + "db.url", jdbcUrl,
        prefix + "db.user", user,
        prefix + "db.password", password,
        prefix + "db.driver", journalDriverClass(),
        prefix + "db.numThreads", poolSize,
        prefix + "db.maxConnections", poolSize,
        prefix + "db.connectionTimeout", timeouts.poolConnection().toMillis(),
        prefix + "db.validationTimeout", timeouts.poolValidation().toMillis()));
    if (h2) {
      values.put(JOURNAL_PARALLELISM, 1);
      values.put(prefix + "db.connectionTestQuery", poolTestQuery());
    }
    return ConfigFactory.parseMap(values);
  }

  /**
   * The driver of the journal's pool: for H2 with sync-on-commit, {@link DurableH2Driver};
   * PostgreSQL makes its commits durable itself (synchronous_commit).
   */
  String journalDriverClass() {
    return kind == Kind.H2 && syncOnCommit ? DurableH2Driver.class.getName() : driverClass();
  }

  /**
   * The query a pool runs to check a connection it hands out after it was idle (Hikari's
   * connectionTestQuery), or null for the driver's own check. For H2, {@code SELECT 1}: when a
   * write to the database file fails (a full disk), H2 closes the whole database, and every
   * connection to it answers "The database has been closed" (error 90098) from then on, with an
   * SQL state the pool does not take for a broken connection; H2's own validity check still
   * says valid. The query fails on them, the pool drops them, and the new connections open the
   * database file again once it can be written: the node recovers when space is freed. Used by
   * both pools of an H2 node (the journal's through Slick, and the spool's).
   */
  public String poolTestQuery() {
    return kind == Kind.H2 ? "SELECT 1" : null;
  }

  public String driverClass() {
    return kind == Kind.H2 ? "org.h2.Driver" : "org.postgresql.Driver";
  }
}

package relay.persistence.spool;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * The database spool's tables, created when missing and brought up to date at start.
 *
 * <ul>
 *   <li>{@code relay_spool_body(queue_id, body, chunks, created_at)}: one row per body. A body
 *       written by this version has {@code body} NULL and its bytes in {@code chunks} rows of the
 *       chunk table; a row written before chunks existed has {@code body} set and {@code chunks}
 *       NULL, and is still read (whole, as before). {@code created_at} (added when missing,
 *       indexed with the queue id) lets the orphan sweep list old bodies page by page.
 *   <li>{@code relay_spool_chunk(queue_id, seq, data)}: the bytes of a body in pieces of at most
 *       {@link JdbcSpool#CHUNK_SIZE}, {@code seq} from 0; deleted with their body row (ON DELETE
 *       CASCADE).
 *   <li>{@code relay_spool_ref(queue_id, domain)}: one row per destination domain still holding
 *       the body.
 * </ul>
 *
 * <p>Migration from the single-column table (before chunks): {@code body} loses its NOT NULL and
 * {@code chunks} is added, both only when the {@code chunks} column is missing, so a running
 * cluster's table is locked (briefly, ALTER TABLE) once, by the first new node that starts. Nodes
 * of the previous version keep working on the migrated table: they write and release bodies as
 * before; they cannot read a body written by a new node (NULL body) and defer its delivery until
 * the queue moves to a new node, so a rolling upgrade loses nothing but may delay some messages
 * until it completes.
 */
final class SpoolTables {

  /**
   * When a body row was inserted, by the database's clock; set by the default, so rows inserted
   * by nodes of the previous version get it too. Rows there before the column get the time of the
   * migration.
   */
  static final String CREATED_AT =
      "created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL";

  /** The SQL type names of one database. */
  record Dialect(String blobType, String chunkType) {}

  private SpoolTables() {}

  /** Creates or migrates the tables; the dialect is picked from the connection's metadata. */
  static Dialect prepare(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      Dialect dialect = dialect(c);
      c.setAutoCommit(true);
      String id = "queue_id VARCHAR(" + SpoolNames.MAX_QUEUE_ID + ") NOT NULL";
      st.execute("CREATE TABLE IF NOT EXISTS relay_spool_body (" + id + " PRIMARY KEY, "
          + "body " + dialect.blobType() + ", chunks INTEGER)");
      if (!hasColumn(c, "relay_spool_body", "chunks")) {
        st.execute("ALTER TABLE relay_spool_body ALTER COLUMN body DROP NOT NULL");
        st.execute("ALTER TABLE relay_spool_body ADD COLUMN chunks INTEGER");
      }
      if (!hasColumn(c, "relay_spool_body", "created_at")) {
        st.execute("ALTER TABLE relay_spool_body ADD COLUMN " + CREATED_AT);
      }
      st.execute("CREATE INDEX IF NOT EXISTS relay_spool_body_created "
          + "ON relay_spool_body (created_at, queue_id)");
      st.execute("CREATE TABLE IF NOT EXISTS relay_spool_chunk (" + id + " "
          + "REFERENCES relay_spool_body(queue_id) ON DELETE CASCADE, "
          + "seq INTEGER NOT NULL, data " + dialect.chunkType() + " NOT NULL, "
          + "PRIMARY KEY (queue_id, seq))");
      st.execute("CREATE TABLE IF NOT EXISTS relay_spool_ref (" + id + " "
          + "REFERENCES relay_spool_body(queue_id), "
          + "domain VARCHAR(" + SpoolNames.MAX_DOMAIN + ") NOT NULL, "
          + "PRIMARY KEY (queue_id, domain))");
      return dialect;
    }
  }

  private static Dialect dialect(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("postgres")) {
      return new Dialect("BYTEA", "BYTEA");
    }
    if (product.contains("h2")) {
      return new Dialect("BLOB", "VARBINARY(" + JdbcSpool.CHUNK_SIZE + ")");
    }
    throw new SQLException("unsupported database for the spool: " + product);
  }

  /** Whether the table (in the connection's current schema) has the column; names as created. */
  private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    for (String t : new String[] {table, table.toUpperCase(Locale.ROOT)}) {
      for (String col : new String[] {column, column.toUpperCase(Locale.ROOT)}) {
        try (ResultSet rs = meta.getColumns(c.getCatalog(), c.getSchema(), t, col)) {
          if (rs.next()) {
            return true;
          }
        }
      }
    }
    return false;
  }
}

package relay.persistence.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The message history's tables, created when missing (same SQL on H2 and PostgreSQL); a table per
 * concern, every node of a cluster writing its own rows into the shared database:
 *
 * <ul>
 *   <li>{@code relay_history_message}: one row per accepted message (envelope, size, client,
 *       time); indexed by time, by client and time, and by sender (lower case) and time.
 *   <li>{@code relay_history_recipient}: its recipients in RCPT order, with the lower-case form
 *       searched by; indexed by that form.
 *   <li>{@code relay_history_event}: one row per outcome and recipient (remote host, reply,
 *       attempt, tls: what protected the attempt's connection, a column added to tables made
 *       before it existed); indexed by message and time, and by time for the retention purge of events
 *       whose message row was never written.
 * </ul>
 *
 * <p>There are no foreign keys: the rows of one message come from different nodes in no
 * particular order (an outcome may reach the database before its acceptance).
 */
final class HistoryTables {

  /** Column widths; longer values are cut before they are written. */
  static final int ID = 64;
  static final int CLIENT = 63;
  static final int IP = 45;
  static final int ADDRESS = 320;
  static final int HOST = 255;
  static final int REPLY = 1000;
  static final int DETAIL = 200;
  static final int TLS = 120;

  private HistoryTables() {}

  static void create(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      c.setAutoCommit(true);
      String id = "queue_id VARCHAR(" + ID + ") NOT NULL";
      String time = " TIMESTAMP WITH TIME ZONE NOT NULL";
      st.execute("CREATE TABLE IF NOT EXISTS relay_history_message (" + id + " PRIMARY KEY, "
          + "client VARCHAR(" + CLIENT + "), source_ip VARCHAR(" + IP + "), "
          + "sender VARCHAR(" + ADDRESS + ") NOT NULL, sender_key VARCHAR(" + ADDRESS
          + ") NOT NULL, recipient_count INTEGER NOT NULL, size BIGINT NOT NULL, "
          + "received_at" + time + ")");
      st.execute("CREATE INDEX IF NOT EXISTS relay_history_message_time "
          + "ON relay_history_message (received_at)");
      st.execute("CREATE INDEX IF NOT EXISTS relay_history_message_client "
          + "ON relay_history_message (client, received_at)");
      st.execute("CREATE INDEX IF NOT EXISTS relay_history_message_sender "
          + "ON relay_history_message (sender_key, received_at)");
      st.execute("CREATE TABLE IF NOT EXISTS relay_history_recipient (" + id + ", "
          + "seq INTEGER NOT NULL, address VARCHAR(" + ADDRESS + ") NOT NULL, "
          + "address_key VARCHAR(" + ADDRESS + ") NOT NULL, PRIMARY KEY (queue_id, seq))");
      st.execute("CREATE INDEX IF NOT EXISTS relay_history_recipient_address "
          + "ON relay_history_recipient (address_key)");
      st.execute("CREATE TABLE IF NOT EXISTS relay_history_event (" + id + ", "
          + "event_at" + time + ", kind VARCHAR(16) NOT NULL, "
          + "recipient VARCHAR(" + ADDRESS + "), remote_host VARCHAR(" + HOST + "), "
          + "reply VARCHAR(" + REPLY + "), attempt INTEGER NOT NULL, "
          + "detail VARCHAR(" + DETAIL + "), tls VARCHAR(" + TLS + "))");
      // Tables made before outbound TLS was recorded (H2 and PostgreSQL both know IF NOT EXISTS).
      st.execute("ALTER TABLE relay_history_event ADD COLUMN IF NOT EXISTS tls VARCHAR(" + TLS + ")");
      st.execute("CREATE INDEX IF NOT EXISTS relay_history_event_message "
          + "ON relay_history_event (queue_id, event_at)");
      st.execute("CREATE INDEX IF NOT EXISTS relay_history_event_time "
          + "ON relay_history_event (event_at)");
    }
  }

  /** {@code value} cut to {@code max} characters. */
  static String cut(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max);
  }
}

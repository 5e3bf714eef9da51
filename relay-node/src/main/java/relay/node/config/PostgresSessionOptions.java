package relay.node.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * What the node asks of every PostgreSQL session it opens (journal, snapshots, spool, schema
 * lock), written into the JDBC URL so that every pool gets the same: pgjdbc's client-side
 * timeouts and the server settings of the session ({@code options}, {@code -c name=value}).
 *
 * <ul>
 *   <li>{@code connectTimeout}, {@code loginTimeout}: a server that does not answer the connect
 *       or the start-up fails the attempt after connect-timeout.
 *   <li>{@code socketTimeout}: no read from the server waits longer than socket-timeout; a server
 *       that stops answering (packets dropped) fails the call instead of hanging for as long as
 *       TCP keeps the connection. Longer than statement-timeout, so that a statement that is
 *       merely slow is cancelled by the server and the connection stays usable.
 *   <li>{@code synchronous_commit = on}: a commit returns once its WAL is flushed, so a {@code
 *       250} survives a crash of the database server. The node checks it at start (a URL that
 *       sets {@code options} itself may leave it to a role or database setting).
 *   <li>{@code statement_timeout}: the server cancels a statement running longer.
 *   <li>{@code idle_in_transaction_session_timeout}: a node frozen or cut off in the middle of a
 *       journal write leaves its transaction open, and the rows it inserted lock the same keys
 *       for the queue's next owner; the server ends such a transaction after this time (0: the
 *       server's setting).
 * </ul>
 *
 * <p>Parameters the URL already names are left as the operator wrote them; a URL with its own
 * {@code options} gets none of the server settings above.
 */
record PostgresSessionOptions(Duration connectTimeout, Duration socketTimeout,
    Duration statementTimeout, Duration idleInTransactionTimeout) {

  private static final String PATH = "relay.storage.postgres";

  static PostgresSessionOptions fromConfig(Config postgres) {
    Duration connect = seconds(postgres, "connect-timeout", Duration.ofMinutes(5));
    Duration socket = seconds(postgres, "socket-timeout", Duration.ofHours(1));
    Duration statement = StorageSettings.duration(postgres, PATH, "statement-timeout",
        Duration.ofSeconds(1), Duration.ofHours(1));
    Duration idle = StorageSettings.duration(postgres, PATH, "idle-in-transaction-timeout",
        Duration.ZERO, Duration.ofHours(1));
    if (socket.compareTo(statement) <= 0) {
      throw new IllegalArgumentException("relay.storage.postgres.socket-timeout (" + socket
          + ") must be longer than relay.storage.postgres.statement-timeout (" + statement
          + "): the server cancels a slow statement, the socket timeout is for a server that"
          + " stopped answering");
    }
    return new PostgresSessionOptions(connect, socket, statement, idle);
  }

  /** pgjdbc takes these in whole seconds: at least 1 s, and no fraction. */
  private static Duration seconds(Config postgres, String key, Duration max) {
    Duration value = StorageSettings.duration(postgres, PATH, key, Duration.ofSeconds(1), max);
    if (value.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException(PATH + "." + key + " = " + value
          + " must be whole seconds (the driver counts in seconds)");
    }
    return value;
  }

  /** {@code url} with the parameters it does not set itself. */
  String applyTo(String url) {
    StringBuilder out = new StringBuilder(url);
    add(out, "connectTimeout", Long.toString(connectTimeout.toSeconds()));
    add(out, "loginTimeout", Long.toString(connectTimeout.toSeconds()));
    add(out, "socketTimeout", Long.toString(socketTimeout.toSeconds()));
    String options = "-c%20synchronous_commit=on"
        + "%20-c%20statement_timeout=" + statementTimeout.toMillis()
        + (idleInTransactionTimeout.isZero() ? ""
            : "%20-c%20idle_in_transaction_session_timeout=" + idleInTransactionTimeout.toMillis());
    add(out, "options", options);
    return out.toString();
  }

  private static void add(StringBuilder url, String name, String value) {
    int query = url.indexOf("?");
    if (query >= 0 && ("&" + url.substring(query + 1)).contains("&" + name + "=")) {
      return;
    }
    url.append(query >= 0 ? '&' : '?').append(name).append('=').append(value);
  }
}

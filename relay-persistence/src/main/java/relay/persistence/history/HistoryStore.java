package relay.persistence.history;

import static relay.persistence.history.HistoryTables.cut;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The message history in the relay's database (tables: {@link HistoryTables}). Every method
 * blocks on JDBC: the {@link HistoryWriter}'s thread writes and purges, {@link JdbcHistoryReader}
 * reads on an I/O executor.
 */
public final class HistoryStore {

  /** Most events one message's history returns (a large message retried for days has many). */
  public static final int MAX_EVENTS = 5000;

  /** Recipients listed per message in a search result (all are counted). */
  public static final int SUMMARY_RECIPIENTS = 100;

  private final DataSource dataSource;

  /** Creates the tables when missing. */
  public HistoryStore(DataSource dataSource) throws SQLException {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    HistoryTables.create(dataSource);
  }

  // ---------------------------------------------------------------- writes

  /** Writes {@code entries} in one transaction: all of them or none. */
  public void write(List<HistoryRecord> entries) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement message = c.prepareStatement("INSERT INTO relay_history_message "
              + "(queue_id, client, source_ip, sender, sender_key, recipient_count, size, "
              + "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
          PreparedStatement recipient = c.prepareStatement("INSERT INTO relay_history_recipient"
              + " (queue_id, seq, address, address_key) VALUES (?, ?, ?, ?)");
          PreparedStatement event = c.prepareStatement("INSERT INTO relay_history_event "
              + "(queue_id, event_at, kind, recipient, remote_host, reply, attempt, detail, tls) "
              + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        int messages = 0;
        int recipients = 0;
        int events = 0;
        for (HistoryRecord entry : entries) {
          if (entry instanceof HistoryRecord.Accepted a) {
            addMessage(message, a);
            messages++;
            for (int i = 0; i < a.recipients().size(); i++) {
              String address = cut(a.recipients().get(i), HistoryTables.ADDRESS);
              recipient.setString(1, cut(a.queueId(), HistoryTables.ID));
              recipient.setInt(2, i);
              recipient.setString(3, address);
              recipient.setString(4, HistorySearch.key(address));
              recipient.addBatch();
              recipients++;
            }
          } else if (entry instanceof HistoryRecord.Outcome o) {
            List<String> about = o.recipients().isEmpty() ? Collections.singletonList(null)
                : o.recipients();
            for (String r : about) {
              addEvent(event, o, r);
              events++;
            }
          }
        }
        if (messages > 0) {
          message.executeBatch();
        }
        if (recipients > 0) {
          recipient.executeBatch();
        }
        if (events > 0) {
          event.executeBatch();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static void addMessage(PreparedStatement ps, HistoryRecord.Accepted a)
      throws SQLException {
    String sender = cut(a.sender(), HistoryTables.ADDRESS);
    ps.setString(1, cut(a.queueId(), HistoryTables.ID));
    setOptional(ps, 2, a.client(), HistoryTables.CLIENT);
    setOptional(ps, 3, a.sourceIp(), HistoryTables.IP);
    ps.setString(4, sender);
    ps.setString(5, HistorySearch.key(sender));
    ps.setInt(6, a.recipients().size());
    ps.setLong(7, a.size());
    ps.setObject(8, time(a.receivedAt()));
    ps.addBatch();
  }

  private static void addEvent(PreparedStatement ps, HistoryRecord.Outcome o, String recipient)
      throws SQLException {
    ps.setString(1, cut(o.queueId(), HistoryTables.ID));
    ps.setObject(2, time(o.at()));
    ps.setString(3, o.kind().wireName());
    setOptional(ps, 4, Optional.ofNullable(recipient), HistoryTables.ADDRESS);
    setOptional(ps, 5, o.remoteHost(), HistoryTables.HOST);
    setOptional(ps, 6, o.reply(), HistoryTables.REPLY);
    ps.setInt(7, o.attempt());
    setOptional(ps, 8, o.detail(), HistoryTables.DETAIL);
    setOptional(ps, 9, o.tls(), HistoryTables.TLS);
    ps.addBatch();
  }

  /**
   * Deletes one batch of history older than {@code cutoff}: up to {@code batch} messages
   * received before it, with their recipients and events; when fewer are left, also events
   * before it whose message row is missing. Returns how many messages (ids) it removed: less
   * than {@code batch} means nothing older is left.
   */
  public int purge(Instant cutoff, int batch) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        List<String> ids = ids(c, "SELECT queue_id FROM relay_history_message WHERE "
            + "received_at < ? ORDER BY received_at LIMIT ?", cutoff, batch);
        if (ids.size() < batch) {
          for (String id : ids(c, "SELECT DISTINCT queue_id FROM relay_history_event WHERE "
              + "event_at < ? LIMIT ?", cutoff, batch)) {
            if (ids.size() < batch && !ids.contains(id)) {
              ids.add(id);
            }
          }
        }
        if (!ids.isEmpty()) {
          for (String table : List.of("relay_history_event", "relay_history_recipient",
              "relay_history_message")) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table
                + " WHERE queue_id IN (" + placeholders(ids.size()) + ")")) {
              bind(ps, 1, ids);
              ps.executeUpdate();
            }
          }
        }
        c.commit();
        return ids.size();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static List<String> ids(Connection c, String sql, Instant cutoff, int limit)
      throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, time(cutoff));
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    return ids;
  }

  // ---------------------------------------------------------------- reads

  /** The message's envelope and (at most {@link #MAX_EVENTS}) events, oldest first. */
  public Optional<StoredMessage> find(String id) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setReadOnly(true);
      Map<String, Row> rows = messages(c, "WHERE queue_id = ?", List.of(id), 1);
      Row row = rows.get(id);
      if (row == null) {
        return Optional.empty();
      }
      List<String> recipients = recipients(c, List.of(id), Integer.MAX_VALUE)
          .getOrDefault(id, List.of());
      List<StoredEvent> events = new ArrayList<>();
      events.add(new StoredEvent(row.receivedAt, EventKind.ACCEPTED, Optional.empty(),
          Optional.empty(), Optional.empty(), 0, Optional.empty()));
      boolean truncated = false;
      try (PreparedStatement ps = c.prepareStatement("SELECT event_at, kind, recipient, "
          + "remote_host, reply, attempt, detail, tls FROM relay_history_event WHERE queue_id = ? "
          + "ORDER BY event_at, attempt, recipient LIMIT ?")) {
        ps.setString(1, id);
        ps.setInt(2, MAX_EVENTS + 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (events.size() > MAX_EVENTS) {
              truncated = true;
              break;
            }
            events.add(new StoredEvent(instant(rs, 1), EventKind.ofWireName(rs.getString(2)),
                Optional.ofNullable(rs.getString(3)), Optional.ofNullable(rs.getString(4)),
                Optional.ofNullable(rs.getString(5)), rs.getInt(6),
                Optional.ofNullable(rs.getString(7)), Optional.ofNullable(rs.getString(8))));
          }
        }
      }
      return Optional.of(new StoredMessage(id, row.client, row.sourceIp, row.sender, recipients,
          row.size, row.receivedAt, events, truncated));
    }
  }

  /** The messages matching {@code search}, newest first, each with its status. */
  public List<MessageSummary> search(HistorySearch search) throws SQLException {
    StringBuilder where = new StringBuilder("WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    search.client().ifPresent(v -> {
      where.append(" AND client = ?");
      args.add(v);
    });
    search.sender().ifPresent(v -> {
      where.append(" AND sender_key = ?");
      args.add(v);
    });
    search.since().ifPresent(v -> {
      where.append(" AND received_at >= ?");
      args.add(time(v));
    });
    search.until().ifPresent(v -> {
      where.append(" AND received_at < ?");
      args.add(time(v));
    });
    search.recipient().ifPresent(v -> {
      where.append(" AND queue_id IN (SELECT r.queue_id FROM relay_history_recipient r"
          + " WHERE r.address_key = ?)");
      args.add(v);
    });
    where.append(" ORDER BY received_at DESC, queue_id DESC");
    try (Connection c = dataSource.getConnection()) {
      c.setReadOnly(true);
      Map<String, Row> rows = messages(c, where.toString(), args, search.limit());
      if (rows.isEmpty()) {
        return List.of();
      }
      List<String> ids = new ArrayList<>(rows.keySet());
      Map<String, List<String>> recipients = recipients(c, ids, SUMMARY_RECIPIENTS);
      Map<String, int[]> finals = finals(c, ids);
      List<MessageSummary> out = new ArrayList<>(rows.size());
      for (Row row : rows.values()) {
        int[] done = finals.getOrDefault(row.id, new int[2]);
        out.add(new MessageSummary(row.id, row.client, row.sender,
            recipients.getOrDefault(row.id, List.of()), row.recipientCount, row.size,
            row.receivedAt, MessageStatus.of(row.recipientCount, done[0], done[1])));
      }
      return out;
    }
  }

  private record Row(String id, Optional<String> client, Optional<String> sourceIp,
      String sender, int recipientCount, long size, Instant receivedAt) {}

  /** Message rows in the query's order (a LinkedHashMap by id). */
  private static Map<String, Row> messages(Connection c, String where, List<?> args, int limit)
      throws SQLException {
    Map<String, Row> rows = new java.util.LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT queue_id, client, source_ip, sender, "
        + "recipient_count, size, received_at FROM relay_history_message " + where + " LIMIT ?")) {
      int i = bind(ps, 1, args);
      ps.setInt(i, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Row row = new Row(rs.getString(1), Optional.ofNullable(rs.getString(2)),
              Optional.ofNullable(rs.getString(3)), rs.getString(4), rs.getInt(5),
              rs.getLong(6), instant(rs, 7));
          rows.putIfAbsent(row.id, row);
        }
      }
    }
    return rows;
  }

  /** The first {@code max} recipients of each message, in RCPT order. */
  private static Map<String, List<String>> recipients(Connection c, List<String> ids, int max)
      throws SQLException {
    Map<String, List<String>> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT queue_id, address FROM "
        + "relay_history_recipient WHERE queue_id IN (" + placeholders(ids.size()) + ")"
        + (max == Integer.MAX_VALUE ? "" : " AND seq < " + max) + " ORDER BY queue_id, seq")) {
      bind(ps, 1, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    return out;
  }

  /** Per message: how many recipients were delivered [0] and failed for good [1]. */
  private static Map<String, int[]> finals(Connection c, List<String> ids) throws SQLException {
    Map<String, int[]> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT queue_id, kind, "
        + "COUNT(DISTINCT recipient) FROM relay_history_event WHERE queue_id IN ("
        + placeholders(ids.size()) + ") AND kind IN ('delivered', 'bounced', 'expired') "
        + "GROUP BY queue_id, kind")) {
      bind(ps, 1, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int[] counts = out.computeIfAbsent(rs.getString(1), k -> new int[2]);
          counts[EventKind.ofWireName(rs.getString(2)) == EventKind.DELIVERED ? 0 : 1] +=
              rs.getInt(3);
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- JDBC helpers

  private static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  /** Binds {@code args} from parameter {@code first}; returns the next parameter's index. */
  private static int bind(PreparedStatement ps, int first, List<?> args) throws SQLException {
    int i = first;
    for (Object arg : args) {
      ps.setObject(i++, arg);
    }
    return i;
  }

  private static void setOptional(PreparedStatement ps, int i, Optional<String> value, int max)
      throws SQLException {
    if (value.isPresent()) {
      ps.setString(i, cut(value.get(), max));
    } else {
      ps.setNull(i, Types.VARCHAR);
    }
  }

  private static OffsetDateTime time(Instant at) {
    return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }
}

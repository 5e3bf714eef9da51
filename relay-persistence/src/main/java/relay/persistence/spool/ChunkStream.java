package relay.persistence.spool;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A body of the database spool read one chunk at a time: each chunk is one query on a connection
 * borrowed from the pool and returned before the bytes are handed on, so a delivery that sends
 * the body to a slow remote server holds at most one chunk in memory and no connection while it
 * waits. Not thread-safe (one reader).
 */
final class ChunkStream extends InputStream {

  private static final byte[] NONE = new byte[0];

  private final DataSource dataSource;
  private final String queueId;
  private final int chunks;
  private int next;
  private byte[] chunk = NONE;
  private int position;
  private boolean closed;

  /** A stream over chunks 0 .. chunks - 1 of the body; the first is read on the first read. */
  ChunkStream(DataSource dataSource, String queueId, int chunks) {
    this.dataSource = dataSource;
    this.queueId = queueId;
    this.chunks = chunks;
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return chunk[position++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, chunk.length - position);
    System.arraycopy(chunk, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return chunk.length - position;
  }

  @Override
  public void close() {
    closed = true;
    chunk = NONE;
  }

  /** Makes unread bytes available; false at the end of the body. */
  private boolean fill() throws IOException {
    if (closed) {
      throw new IOException("spool body " + queueId + " is closed");
    }
    while (position == chunk.length) {
      if (next == chunks) {
        return false;
      }
      chunk = load(next++);
      position = 0;
    }
    return true;
  }

  private byte[] load(int seq) throws IOException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT data FROM relay_spool_chunk WHERE queue_id = ? AND seq = ?")) {
      ps.setString(1, queueId);
      ps.setInt(2, seq);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IOException("spool body " + queueId + " lost chunk " + seq + " of " + chunks
              + " while being read (released?)");
        }
        return rs.getBytes(1);
      }
    } catch (SQLException e) {
      throw new IOException("spool read failed for " + queueId + " chunk " + seq, e);
    }
  }
}

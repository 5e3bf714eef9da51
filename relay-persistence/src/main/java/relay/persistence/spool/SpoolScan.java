package relay.persistence.spool;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Lists a spool's committed entries page by page, for the orphan sweep (bodies that no queue
 * refers to). Blocking; call it on a blocking executor.
 */
public interface SpoolScan {

  /**
   * One committed entry: a body's reference for one destination domain.
   *
   * @param committedAt when the body was written (file: its modification time; database: the
   *     body row's {@code created_at}, the database's clock)
   */
  record Entry(String queueId, String domain, Instant committedAt) {}

  /**
   * Entries of one call; {@code next} continues the scan where this page stopped, empty once the
   * whole spool was scanned (the next scan starts again from the beginning).
   */
  record Page(List<Entry> entries, Optional<String> next) {
    public Page {
      entries = List.copyOf(entries);
    }
  }

  /**
   * About {@code max} entries committed before {@code committedBefore}, from where {@code from}
   * (a previous page's {@code next}) says, or from the start. An implementation may return
   * somewhat more than {@code max} (a file spool reads whole directories) and fewer when the end
   * is reached. An entry removed meanwhile may still be listed.
   *
   * @throws IOException when the spool cannot be read
   */
  Page scan(Optional<String> from, Instant committedBefore, int max) throws IOException;
}

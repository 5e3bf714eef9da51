package relay.persistence.spool;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Durable store of message bodies, addressed by queue id and destination domain.
 *
 * <p>Thread-safe. {@link #create} returns a writer used by one SMTP session; the other methods are
 * blocking and are called from delivery workers (blocking dispatcher), never from an actor on the
 * default dispatcher.
 */
public interface Spool {

  /** Starts a new entry; the body is streamed into the writer and becomes visible on commit. */
  SpoolWriter create(String queueId) throws IOException;

  /**
   * Opens the committed body for one destination domain: for delivery, and for the headers of a
   * DSN. The caller closes the stream.
   *
   * @throws NoSuchSpoolEntryException if there is no entry for that queue id and domain
   */
  InputStream open(String queueId, String domain) throws IOException;

  /**
   * Drops the reference of one domain; the body is gone once the last domain released it.
   * Releasing an entry that does not exist is a no-op.
   */
  void release(String queueId, String domain) throws IOException;

  /** Whether a committed entry exists for that queue id and domain. */
  boolean exists(String queueId, String domain);

  /**
   * The queue ids among {@code queueIds} that have a committed entry for {@code domain}, for
   * checking many at once (a recovering queue looks for bodies of its finished messages that a
   * crash kept from being released). This default asks {@link #exists} for each id.
   */
  default Set<String> existing(Collection<String> queueIds, String domain) throws IOException {
    Set<String> found = new LinkedHashSet<>();
    for (String id : queueIds) {
      if (exists(id, domain)) {
        found.add(id);
      }
    }
    return found;
  }
}

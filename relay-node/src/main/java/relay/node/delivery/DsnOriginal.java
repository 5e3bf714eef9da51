package relay.node.delivery;

import java.io.IOException;
import java.io.InputStream;
import relay.persistence.spool.NoSuchSpoolEntryException;
import relay.persistence.spool.Spool;
import relay.protocol.message.HeaderSection;

/**
 * What the spool gives a DSN of its original message (RFC 3464 2: the third part, the original's
 * headers, is optional): the header section, or the fact that the original is gone for good, in
 * which case the DSN is sent without it instead of being retried forever.
 *
 * <ul>
 *   <li>{@link Headers}: read as far as the header section's end (at most a limit);
 *   <li>{@link Gone} {@link Why#MISSING}: the spool has no entry (deleted by an operator, lost in
 *       a crash, or a name that now points at another message);
 *   <li>{@link Gone} {@link Why#UNREADABLE}: the entry opened but reading it failed (a damaged
 *       file or row);
 *   <li>an {@link IOException} from {@link #read}: the spool could not be asked (database or disk
 *       unavailable); the caller fails and the queue submits the DSN again later. XXX: an entry
 *       that can never be opened for another reason than its absence (a file without read
 *       permission) is retried until an operator repairs it.
 * </ul>
 */
public sealed interface DsnOriginal {

  /** Why the original cannot be attached. */
  enum Why { MISSING, UNREADABLE }

  /** The original's header section. */
  record Headers(HeaderSection section) implements DsnOriginal {}

  /** The original is gone: the DSN goes without it. */
  record Gone(Why why) implements DsnOriginal {}

  /**
   * Reads the header section of {@code queueId}'s body for {@code domain}, up to {@code maxBytes}.
   *
   * @throws IOException when the spool cannot be asked now (worth a later try)
   */
  static DsnOriginal read(Spool spool, String queueId, String domain, int maxBytes)
      throws IOException {
    InputStream in;
    try {
      in = spool.open(queueId, domain);
    } catch (NoSuchSpoolEntryException e) {
      return new Gone(Why.MISSING);
    }
    HeaderSection section;
    try {
      section = HeaderSection.read(in, maxBytes);
    } catch (IOException e) {
      closeQuietly(in);
      return new Gone(Why.UNREADABLE);
    }
    closeQuietly(in);
    return new Headers(section);
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // what was read is what counts; nothing is written
    }
  }
}

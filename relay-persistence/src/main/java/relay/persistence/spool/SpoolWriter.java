package relay.persistence.spool;

import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * The body of one message being received. Writes stream to storage with bounded memory; nothing
 * is visible to {@link Spool#open} until {@link #commit} completed.
 *
 * <p>Used by one session at a time (not thread-safe for concurrent writes).
 */
public interface SpoolWriter {

  String queueId();

  /** Appends body bytes. */
  void write(byte[] bytes, int offset, int length) throws IOException;

  /**
   * Makes the body durable (fsync or database commit) with one reference per destination domain,
   * then completes. The work runs on the spool's blocking executor, not the caller's thread. On
   * failure nothing is left behind and the stage fails with the {@link IOException}.
   *
   * @param domains destination domains (lower-cased by the spool), at least one
   */
  CompletionStage<Done> commit(Collection<String> domains);

  /** Discards an uncommitted body. Idempotent; a no-op once commit has started. */
  void abort();
}

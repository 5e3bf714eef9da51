package relay.persistence.spool;

import java.io.IOException;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;

/**
 * The life of a spool writer, shared by the spools: open while the body streams in; {@link
 * #commit} closes it once and makes the body durable for its domains on the blocking executor;
 * {@link #abort} closes it once and discards what was staged. Writing after either is an error.
 * Subclasses say only how bytes are staged, made durable and discarded.
 */
abstract class StagedWriter implements SpoolWriter {

  private final String queueId;
  private final Executor blocking;
  private boolean open = true;

  StagedWriter(String queueId, Executor blocking) {
    this.queueId = queueId;
    this.blocking = blocking;
  }

  /** Appends body bytes to the staging area (called under the writer's lock). */
  abstract void stage(byte[] bytes, int offset, int length) throws IOException;

  /** Makes the staged body durable for these domains; on failure leaves nothing behind. */
  abstract void makeDurable(Set<String> domains) throws IOException;

  /** Discards the staged body; never throws. */
  abstract void discard();

  @Override
  public final String queueId() {
    return queueId;
  }

  @Override
  public final synchronized void write(byte[] bytes, int offset, int length) throws IOException {
    if (!open) {
      throw new IOException("spool writer for " + queueId + " is closed");
    }
    stage(bytes, offset, length);
  }

  @Override
  public final CompletionStage<Done> commit(Collection<String> domains) {
    Set<String> keys;
    synchronized (this) {
      if (!open) {
        return CompletableFuture.failedFuture(
            new IOException("spool writer for " + queueId + " is closed"));
      }
      try {
        keys = SpoolNames.domains(domains);
      } catch (IllegalArgumentException e) {
        return CompletableFuture.failedFuture(e);
      }
      open = false;
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        makeDurable(keys);
        return Done.getInstance();
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  @Override
  public final void abort() {
    synchronized (this) {
      if (!open) {
        return;
      }
      open = false;
    }
    discard();
  }
}

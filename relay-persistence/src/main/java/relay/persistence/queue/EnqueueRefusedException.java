package relay.persistence.queue;

/**
 * An enqueue was not persisted; the message is not accepted for this domain. The node answers
 * the client with a transient reply (451 4.3.x for {@link Reason#BACKLOG_FULL}, {@link
 * Reason#TIMEOUT} and {@link Reason#FAILED}; 452 4.3.1 for {@link Reason#QUEUE_FULL}), so the
 * client keeps the message and retries. {@link Reason#INVALID} is a bug in the caller.
 */
public final class EnqueueRefusedException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why the enqueue was refused. */
  public enum Reason {
    /** Too many enqueues already waiting for this domain on this node (gateway backlog). */
    BACKLOG_FULL,
    /** The domain's queue holds max-pending-messages. */
    QUEUE_FULL,
    /** The queue did not confirm the write within the ask timeout (it may still be persisted). */
    TIMEOUT,
    /** The batch was invalid (empty, bad queue id or domain). */
    INVALID,
    /** The journal write or the cluster failed. */
    FAILED
  }

  private final Reason reason;

  public EnqueueRefusedException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}

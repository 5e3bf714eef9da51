package relay.persistence.queue;

/**
 * Port for the node's metrics: counts the recipients of each persisted attempt outcome, on the
 * node whose queue persisted it, after the write and never during replay. Called on the queue's
 * thread for every outcome, so an implementation must be cheap and must not block (a lock-free
 * counter increment).
 */
public interface OutcomeCounter {

  /** Counts nothing. */
  OutcomeCounter NONE = new OutcomeCounter() {};

  /** {@code recipients} were delivered (the destination answered 250). */
  default void delivered(int recipients) {}

  /** {@code recipients} were deferred (a temporary failure; they will be tried again). */
  default void deferred(int recipients) {}

  /** {@code recipients} bounced (a permanent failure; a DSN goes to the sender). */
  default void bounced(int recipients) {}

  /** {@code recipients} expired (still failing at the end of the queue lifetime). */
  default void expired(int recipients) {}
}

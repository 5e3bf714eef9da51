package relay.persistence.history;

/**
 * The port through which the acceptance path and the queues hand entries to the message history.
 * {@link #record} must never block nor fail: an implementation that cannot take an entry drops
 * it (and counts it) rather than slow mail.
 */
@FunctionalInterface
public interface MessageHistory {

  /** Keeps no history (relay.history.enabled = false, and tests). */
  MessageHistory NONE = entry -> { };

  void record(HistoryRecord entry);
}

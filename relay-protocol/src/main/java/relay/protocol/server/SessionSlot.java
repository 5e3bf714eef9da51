package relay.protocol.server;

/**
 * A session slot the {@link ClientPolicy} took for one admitted connection (a cluster-wide
 * per-client session limit). The server stage calls {@link #release()} exactly once, when the
 * connection ends for any reason: QUIT, error, timeout, shutdown or peer reset.
 * Implementations must not block and must tolerate a second call.
 */
@FunctionalInterface
public interface SessionSlot {

  /** The slot of a connection that counts toward no limit (unregistered clients). */
  SessionSlot NONE = () -> { };

  void release();
}

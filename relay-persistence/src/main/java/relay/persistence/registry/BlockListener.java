package relay.persistence.registry;

/**
 * Told by the registry entity of every block added, removed or expired, after the event is
 * persisted, on the entity's actor thread (so it must not block): the node's notices to the
 * clients concerned. Called once per change by the one registry (a Cluster Singleton), never
 * during replay. XXX: at most once: a crash between the write and this call loses the call.
 */
@FunctionalInterface
public interface BlockListener {

  BlockListener NONE = change -> {};

  void changed(BlockChange change);
}

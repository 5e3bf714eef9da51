package relay.http;

import java.util.Map;

/** What the node reports about itself to the health endpoints. Implemented by the node. */
public interface Readiness {

  /** True when the node has joined its cluster, its storage answers and its listeners are bound. */
  boolean isReady();

  /** Named checks and whether each passes, for the body of /health and /ready. */
  Map<String, Boolean> checks();
}

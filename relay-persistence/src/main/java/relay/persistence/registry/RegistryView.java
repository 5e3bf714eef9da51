package relay.persistence.registry;

/**
 * The registry as this node currently knows it, read without a network round trip by the checks
 * at connect, MAIL and RCPT. {@link #current()} is cheap (a volatile read) and never blocks; the
 * snapshot it returns never changes, so one SMTP command sees one consistent registry.
 */
public interface RegistryView {

  RegistrySnapshot current();

  /**
   * Whether the view holds the whole registry, not only part of it: after a full cluster restart
   * a replicated view fills bucket by bucket, and until every one has arrived an address missing
   * from it may be a registered client not known yet. Once true it stays true; read it before
   * {@link #current()} so that a complete view goes with a complete snapshot. A fixed view is
   * complete.
   */
  default boolean complete() {
    return true;
  }
}

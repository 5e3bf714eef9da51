package relay.persistence.registry;

/**
 * The registry as this node currently knows it, read without a network round trip by the checks
 * at connect, MAIL and RCPT. {@link #current()} is cheap (a volatile read) and never blocks; the
 * snapshot it returns never changes, so one SMTP command sees one consistent registry.
 */
public interface RegistryView {

  RegistrySnapshot current();
}

package relay.persistence;

/**
 * Marker for every command, reply, event and snapshot that is persisted or may cross nodes.
 * {@code reference.conf} of this module binds it to Pekko's {@code jackson-cbor} serializer.
 *
 * <p>Implementations are records (or classes with a {@code @JsonCreator}); persisted field names
 * are a schema and are never renamed without a Jackson migration.
 */
public interface CborSerializable {}

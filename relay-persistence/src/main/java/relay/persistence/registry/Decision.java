package relay.persistence.registry;

import java.util.Optional;
import relay.persistence.registry.RegistryEntity.Event;
import relay.persistence.registry.RegistryEntity.RefusalKind;
import relay.persistence.registry.RegistryEntity.Reply;

/**
 * What a {@link RegistryEntity} command comes to, decided by a helper from the state alone: an
 * event to persist and the reply after it, or a refusal (the reply alone, no event).
 */
record Decision(Optional<Event> event, Reply reply) {

  static Decision persist(Event event, Reply reply) {
    return new Decision(Optional.of(event), reply);
  }

  static Decision refuse(RefusalKind kind, String detail) {
    return new Decision(Optional.empty(), new RegistryEntity.Refused(kind, detail));
  }
}

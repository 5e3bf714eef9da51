package relay.persistence.notice;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import relay.persistence.CborSerializable;

/**
 * One notice to one client's contacts, as decided by the {@link NoticeEntity}: the facts its
 * template is filled with, not the mail itself (the node renders it with the templates in force
 * when it sends it, see {@link NoticePort}).
 *
 * @param id "n" + a number, unique in the cluster
 * @param client the client's id
 * @param to the client's contacts when the notice was decided (1 .. 20 addresses)
 * @param values the template's placeholders by name (client-id, client-name, reason...)
 * @param at when it was decided
 */
public record Notice(String id, NoticeKind kind, String client, List<String> to,
    Map<String, String> values, Instant at) implements CborSerializable {

  public Notice {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(client, "client");
    to = List.copyOf(to);
    if (to.isEmpty()) {
      throw new IllegalArgumentException("a notice needs at least one recipient");
    }
    values = Collections.unmodifiableMap(new TreeMap<>(values));
    Objects.requireNonNull(at, "at");
  }
}

package relay.persistence.quota;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import relay.persistence.CborSerializable;

/**
 * A client's announcement of an unusual mailing: about {@code expectedRecipients} recipients
 * between {@code from} and {@code until}. With {@code raiseQuota}, every hour and day window that
 * overlaps [from, until) has the client's quota for it raised by {@code expectedRecipients}
 * (a window without a quota stays without one).
 *
 * @param id unique in the cluster: the client's id, '-', and the client's notice number
 * @param postedBy the name of the token that posted it
 */
public record BulkNotice(String id, String client, long expectedRecipients, Instant from,
    Instant until, Optional<String> note, boolean raiseQuota, String postedBy, Instant postedAt)
    implements CborSerializable {

  public BulkNotice {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(until, "until");
    note = note == null ? Optional.empty() : note;
    Objects.requireNonNull(postedBy, "postedBy");
    Objects.requireNonNull(postedAt, "postedAt");
  }

  /** Whether [from, until) overlaps [start, end). */
  public boolean overlaps(Instant start, Instant end) {
    return from.isBefore(end) && until.isAfter(start);
  }
}

package relay.persistence.history;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * What a history search asks for; every criterion present must match. {@code sender} and {@code
 * recipient} are whole addresses, compared without regard to case; {@code since} inclusive,
 * {@code until} exclusive (times of acceptance); at most {@code limit} messages, newest first.
 */
public record HistorySearch(Optional<String> client, Optional<String> sender,
    Optional<String> recipient, Optional<Instant> since, Optional<Instant> until, int limit) {

  /** Most messages one search returns. */
  public static final int MAX_LIMIT = 1000;

  public HistorySearch {
    client = client == null ? Optional.empty() : client;
    sender = sender == null ? Optional.empty() : sender.map(HistorySearch::key);
    recipient = recipient == null ? Optional.empty() : recipient.map(HistorySearch::key);
    since = since == null ? Optional.empty() : since;
    until = until == null ? Optional.empty() : until;
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit: " + limit + " is outside 1 .. " + MAX_LIMIT);
    }
    if (since.isPresent() && until.isPresent() && !since.get().isBefore(until.get())) {
      throw new IllegalArgumentException("since (" + since.get() + ") must be before until ("
          + until.get() + ")");
    }
  }

  /** The form addresses are searched by: trimmed, lower case. */
  static String key(String address) {
    return address.strip().toLowerCase(Locale.ROOT);
  }
}

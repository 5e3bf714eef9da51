package relay.persistence.history;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A message's history: its envelope as accepted and every event, oldest first, starting with
 * {@code accepted}. {@code eventsTruncated} when it had more than {@link HistoryStore#MAX_EVENTS}.
 */
public record StoredMessage(String id, Optional<String> client, Optional<String> sourceIp,
    String sender, List<String> recipients, long size, Instant receivedAt,
    List<StoredEvent> events, boolean eventsTruncated) {

  public StoredMessage {
    recipients = List.copyOf(recipients);
    events = List.copyOf(events);
  }
}

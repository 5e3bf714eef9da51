package relay.persistence.history;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A message as a search lists it: its envelope (the first {@link HistoryStore#SUMMARY_RECIPIENTS}
 * recipients; {@code recipientCount} all of them) and its {@link MessageStatus}.
 */
public record MessageSummary(String id, Optional<String> client, String sender,
    List<String> recipients, int recipientCount, long size, Instant receivedAt,
    MessageStatus status) {

  public MessageSummary {
    recipients = List.copyOf(recipients);
  }
}

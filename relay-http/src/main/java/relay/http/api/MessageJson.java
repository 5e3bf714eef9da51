package relay.http.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import relay.persistence.history.MessageSummary;
import relay.persistence.history.StoredEvent;
import relay.persistence.history.StoredMessage;

/**
 * The JSON of the message history routes (shapes agreed in issue 11): absent values are written
 * as {@code null}, never left out, so that scripts see every field.
 */
final class MessageJson {

  private MessageJson() {}

  /** GET /api/v1/messages/{id}. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Message(String id, Optional<String> client, Optional<String> sourceIp, String sender,
      List<String> recipients, long size, Instant receivedAt, List<Event> events,
      boolean eventsTruncated) {

    static Message of(StoredMessage m) {
      return new Message(m.id(), m.client(), m.sourceIp(), m.sender(), m.recipients(),
          m.size(), m.receivedAt(), m.events().stream().map(Event::of).toList(),
          m.eventsTruncated());
    }
  }

  /**
   * One event: {@code attempt} 0 when not an attempt; {@code detail} for a dsn event; {@code tls}
   * for an attempt, what protected its connection ("TLSv1.3 TLS_AES_256_GCM_SHA384 verified",
   * "... unverified" or "none").
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Event(Instant at, String kind, Optional<String> recipient, Optional<String> remoteHost,
      Optional<String> reply, int attempt, Optional<String> detail, Optional<String> tls) {

    static Event of(StoredEvent e) {
      return new Event(e.at(), e.kind().wireName(), e.recipient(), e.remoteHost(), e.reply(),
          e.attempt(), e.detail(), e.tls());
    }
  }

  /** GET /api/v1/messages: {"messages":[...]}, newest first. */
  record Search(List<Summary> messages) {}

  /** A message in a search: the first 100 recipients, {@code recipientCount} all. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Summary(String id, Optional<String> client, String sender, List<String> recipients,
      int recipientCount, long size, Instant receivedAt, String status) {

    static Summary of(MessageSummary m) {
      return new Summary(m.id(), m.client(), m.sender(), m.recipients(), m.recipientCount(),
          m.size(), m.receivedAt(), m.status().wireName());
    }
  }
}

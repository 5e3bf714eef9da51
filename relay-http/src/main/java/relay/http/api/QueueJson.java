package relay.http.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import relay.persistence.queue.DestinationQueue;
import relay.persistence.queue.PendingMessage;
import relay.persistence.queue.QueueService;
import relay.persistence.queue.ShapingSettings;

/**
 * The queues API's bodies (shapes agreed in the API: field names are fixed, nulls are
 * written as null, never left out).
 */
final class QueueJson {

  private QueueJson() {}

  /** {@code GET /api/v1/queues}. */
  record QueueList(List<Queue> queues) {}

  /** The shaping in force for a destination. */
  record Shaping(int maxConnections, int messagesPerConnection, int recipientsPerTransaction,
      int messagesPerMinute, int subQueues) {

    static Shaping of(ShapingSettings s) {
      return new Shaping(s.maxConnections(), s.messagesPerConnection(),
          s.recipientsPerTransaction(), s.messagesPerMinute(), s.subQueues());
    }
  }

  /**
   * One destination: {@code depth} messages waiting, {@code oldestAgeSeconds} of the oldest,
   * {@code deferred} of them attempted at least once, {@code lastError} the newest failure reply,
   * {@code suspended} by an operator ({@code suspendedBy}, {@code suspendedAt}); {@code messages}
   * only in {@code GET /api/v1/queues/{domain}}.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Queue(String domain, int depth, long recipients, Long oldestAgeSeconds, int deferred,
      int inFlight, String lastError, boolean suspended, String suspendedBy,
      Instant suspendedAt, Shaping shaping,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<Message> messages) {

    static Queue of(DestinationQueue q, Instant now, boolean withMessages) {
      return new Queue(q.domain(), q.messages(), q.recipients(),
          q.oldest().map(o -> Math.max(0, Duration.between(o, now).toSeconds())).orElse(null),
          q.deferred(), q.inFlight(), q.lastFailure().map(r -> r.summary()).orElse(null),
          q.hold().isPresent(), q.hold().map(h -> h.actor()).orElse(null),
          q.hold().map(h -> h.since()).orElse(null), Shaping.of(q.shaping()),
          withMessages ? q.firstMessages().stream().map(Message::of).toList() : null);
    }
  }

  /**
   * A waiting message: {@code nextAttemptAt} null while held; {@code lastError} is not kept per
   * message (the queue's is in {@code lastError} above), so it is always null for now.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Message(String id, String sender, List<String> recipients, long size,
      Instant enqueuedAt, int attempts, Instant nextAttemptAt, String lastError) {

    static Message of(PendingMessage m) {
      return new Message(m.queueId(), m.sender(), m.recipients(), m.size(), m.receivedAt(),
          m.attempts(), m.nextAttemptAt(), null);
    }
  }

  /** {@code POST /api/v1/queues/{domain}/<action>}. */
  record Action(String domain, String action, int affected) {

    static Action of(QueueService.ActionDone done) {
      return new Action(done.domain(), done.action().wireName(), done.affected());
    }
  }
}

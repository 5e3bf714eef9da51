package relay.persistence.queue;

import java.util.List;
import relay.persistence.CborSerializable;

/**
 * What one delivery attempt of one message came to, as a worker reports it: one reply per
 * recipient of the job (2xx delivered, 4xx deferred, 5xx bounced).
 *
 * @param remoteHost the server the attempt reached, {@code ""} if none was reached
 */
public record AttemptOutcome(String queueId, String remoteHost, List<RecipientReply> replies)
    implements CborSerializable {

  public AttemptOutcome {
    replies = List.copyOf(replies);
  }

  /** One recipient's reply in an attempt. */
  public record RecipientReply(String recipient, RecordedReply reply) implements CborSerializable {}

  /** Every recipient gets the same reply (connect failure, lost connection, worker crash). */
  static AttemptOutcome all(String queueId, String remoteHost, List<String> recipients,
      RecordedReply reply) {
    return new AttemptOutcome(queueId, remoteHost,
        recipients.stream().map(r -> new RecipientReply(r, reply)).toList());
  }
}

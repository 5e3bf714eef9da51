package relay.persistence.queue;

import java.util.List;
import relay.persistence.CborSerializable;
import relay.protocol.client.TlsStatus;

/**
 * What one delivery attempt of one message came to, as a worker reports it: one reply per
 * recipient of the job (2xx delivered, 4xx deferred, 5xx bounced).
 *
 * @param remoteHost the server the attempt reached, {@code ""} if none was reached
 * @param tls what protected the connection ({@link TlsStatus#NONE} in clear or without one); for
 *     the event log and history only, never persisted in the queue's journal
 */
public record AttemptOutcome(String queueId, String remoteHost, List<RecipientReply> replies, TlsStatus tls)
    implements CborSerializable {

  public AttemptOutcome {
    replies = List.copyOf(replies);
    tls = tls == null ? TlsStatus.NONE : tls;
  }

  /** Without a connection's TLS (none). */
  public AttemptOutcome(String queueId, String remoteHost, List<RecipientReply> replies) {
    this(queueId, remoteHost, replies, TlsStatus.NONE);
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

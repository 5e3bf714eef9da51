package relay.persistence.queue;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import relay.persistence.CborSerializable;

/**
 * One accepted message as enqueued for one destination domain: its spool id, envelope and the
 * facts delivery needs. Never the body: that stays in the spool.
 *
 * @param queueId spool and log id of the message (the same for every domain it goes to)
 * @param sender reverse-path, {@code ""} for the null sender {@code <>} (RFC 5321 §4.5.5: never a
 *     DSN for it)
 * @param recipients forward-paths in this domain, at least one, duplicates removed
 * @param size body size in bytes (for SIZE, RFC 1870, and the log)
 * @param receivedAt when the relay accepted it; starts the lifetime and delay-warning clocks
 * @param eightBit whether the body needs 8BITMIME (RFC 6152)
 * @param smtputf8 whether the envelope or headers need SMTPUTF8 (RFC 6531)
 * @param fingerprint the client's message for this domain (content, sender, recipients, client),
 *     by which a retry under another queue id is recognised ({@link RecentMessages}); null when
 *     the message had no Message-ID, and in events written before fingerprints existed
 * @param client id of the registered client that sent it (its delay notices, relay.notices);
 *     null for the relay's own messages (DSNs, notices), unidentified senders, and in events
 *     written before clients were recorded
 */
public record QueuedMessage(String queueId, String sender, List<String> recipients, long size,
    Instant receivedAt, boolean eightBit, boolean smtputf8, String fingerprint, String client)
    implements CborSerializable {

  /** A message of no registered client. */
  public QueuedMessage(String queueId, String sender, List<String> recipients, long size,
      Instant receivedAt, boolean eightBit, boolean smtputf8, String fingerprint) {
    this(queueId, sender, recipients, size, receivedAt, eightBit, smtputf8, fingerprint, null);
  }

  /** A message without fingerprint: never taken for a retry of another. */
  public QueuedMessage(String queueId, String sender, List<String> recipients, long size,
      Instant receivedAt, boolean eightBit, boolean smtputf8) {
    this(queueId, sender, recipients, size, receivedAt, eightBit, smtputf8, null, null);
  }

  public QueuedMessage {
    Objects.requireNonNull(queueId, "queueId");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(receivedAt, "receivedAt");
    recipients = List.copyOf(new java.util.LinkedHashSet<>(Objects.requireNonNull(recipients, "recipients")));
    if (queueId.isBlank()) {
      throw new IllegalArgumentException("queue id is blank");
    }
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("message " + queueId + " has no recipient");
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative size for " + queueId);
    }
  }

  public Optional<String> fingerprintIfAny() {
    return Optional.ofNullable(fingerprint);
  }

  public boolean hasNullSender() {
    return sender.isEmpty();
  }
}

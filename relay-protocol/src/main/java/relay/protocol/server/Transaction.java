package relay.protocol.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import relay.protocol.address.Mailbox;
import relay.protocol.command.BodyType;
import relay.protocol.command.MailParameters;

/**
 * One mail transaction (RFC 5321 3.3), from an accepted MAIL FROM to the end of its content, as an
 * immutable value.
 *
 * @param sender empty for the null reverse-path
 * @param recipientsTried RCPT commands that passed the sequence check, accepted or not
 *     (DATA after only refused RCPTs gets 554 "No valid recipients", RFC 2920 3.1)
 * @param queueId present once a spool entry is open for the content
 * @param content how the content is being sent: not yet, DATA, or BDAT chunks
 * @param bdatChunks BDAT chunks accepted so far
 */
public record Transaction(Optional<Mailbox> sender, MailParameters params, List<Mailbox> recipients,
    int recipientsTried, Optional<String> queueId, Optional<Instant> receivedAt, Content content,
    int bdatChunks) {

  /** How the message content is being transferred. */
  public enum Content { NONE, DATA, BDAT }

  public Transaction {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(params, "params");
    recipients = List.copyOf(recipients);
    Objects.requireNonNull(queueId, "queueId");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(content, "content");
  }

  public static Transaction begin(Optional<Mailbox> sender, MailParameters params) {
    return new Transaction(sender, params, List.of(), 0, Optional.empty(), Optional.empty(),
        Content.NONE, 0);
  }

  public Transaction triedRecipient() {
    return new Transaction(sender, params, recipients, recipientsTried + 1, queueId, receivedAt,
        content, bdatChunks);
  }

  public Transaction withRecipient(Mailbox recipient) {
    List<Mailbox> more = new ArrayList<>(recipients.size() + 1);
    more.addAll(recipients);
    more.add(recipient);
    return new Transaction(sender, params, more, recipientsTried, queueId, receivedAt, content,
        bdatChunks);
  }

  public Transaction withContent(Content how) {
    return new Transaction(sender, params, recipients, recipientsTried, queueId, receivedAt, how,
        bdatChunks);
  }

  public Transaction opened(String id, Instant at) {
    return new Transaction(sender, params, recipients, recipientsTried, Optional.of(id),
        Optional.of(at), content, bdatChunks);
  }

  public Transaction withChunkAccepted() {
    return new Transaction(sender, params, recipients, recipientsTried, queueId, receivedAt,
        content, bdatChunks + 1);
  }

  /** Whether a spool entry is open and must be aborted if the transaction ends unfinished. */
  public boolean hasOpenMessage() {
    return queueId.isPresent();
  }

  public boolean smtputf8() {
    return params.smtputf8();
  }

  public boolean eightBitMime() {
    return params.body() == BodyType.EIGHT_BIT_MIME;
  }
}

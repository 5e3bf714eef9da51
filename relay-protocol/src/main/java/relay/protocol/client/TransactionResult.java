package relay.protocol.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import relay.protocol.reply.SmtpReply;

/**
 * The server's answers to one transaction.
 *
 * @param mailReply the reply to MAIL FROM (or the local refusal when the message could not be
 *     offered at all, e.g. 8BITMIME or SMTPUTF8 missing)
 * @param recipientReplies one reply per recipient, in envelope order; each is the MAIL reply
 *     when MAIL was refused
 * @param dataReply the final reply to the message data; or DATA's own refusal when DATA did not
 *     get 354; empty when no recipient was accepted (DATA was then not used)
 */
public record TransactionResult(SmtpReply mailReply, List<SmtpReply> recipientReplies, Optional<SmtpReply> dataReply) {

  public TransactionResult {
    Objects.requireNonNull(mailReply, "mailReply");
    recipientReplies = List.copyOf(recipientReplies);
    Objects.requireNonNull(dataReply, "dataReply");
  }

  /**
   * The reply that decides recipient {@code i}: its RCPT refusal if refused, otherwise the data
   * reply. A 2xx outcome means delivered, 4xx defer, 5xx bounce (a 3xx where it does not belong
   * counts as not delivered).
   */
  public SmtpReply outcome(int i) {
    SmtpReply rcpt = recipientReplies.get(i);
    if (!isSuccess(rcpt) || dataReply.isEmpty()) {
      return rcpt;
    }
    return dataReply.get();
  }

  /** {@link #outcome(int)} for every recipient, in envelope order. */
  public List<SmtpReply> outcomes() {
    List<SmtpReply> all = new ArrayList<>(recipientReplies.size());
    for (int i = 0; i < recipientReplies.size(); i++) {
      all.add(outcome(i));
    }
    return all;
  }

  /** Recipient {@code i} was accepted for delivery by the server (a 2xx outcome). */
  public boolean delivered(int i) {
    return isSuccess(outcome(i));
  }

  /** A 2xx reply: the only kind that completes MAIL, RCPT or the data (RFC 5321 4.2.1). */
  public static boolean isSuccess(SmtpReply reply) {
    return reply.code() >= 200 && reply.code() < 300;
  }
}

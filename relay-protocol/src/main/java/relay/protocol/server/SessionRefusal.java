package relay.protocol.server;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import relay.protocol.reply.SmtpReply;

/**
 * A policy or limit refusal the session answered (blocked, relay denied, too many sessions or
 * recipients, too big), with the envelope as far as it got, for the node's event log
 * ({@link ClientPolicy#refused}). Syntax and sequence errors are not refusals in this sense.
 *
 * @param stage where the session refused
 * @param reason why, from a fixed set (the event log's and the metrics' label)
 * @param client who was refused
 * @param sender the reverse-path of MAIL (accepted or the one refused; {@code ""} for the null
 *     reverse-path), empty before MAIL
 * @param recipients the recipients accepted so far in the transaction
 * @param address the recipient a refused RCPT named; empty at the other stages
 * @param reply what the client was answered
 */
public record SessionRefusal(Stage stage, RefusalReason reason, ClientIdentity client,
    Optional<String> sender, List<String> recipients, Optional<String> address, SmtpReply reply) {

  /** The point of the session at which a refusal is answered. */
  public enum Stage { CONNECT, AUTH, MAIL, RCPT, DATA }

  public SessionRefusal {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(sender, "sender");
    recipients = List.copyOf(recipients);
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(reply, "reply");
  }
}

package relay.protocol.server;

import java.util.Optional;
import relay.protocol.address.DomainNames;
import relay.protocol.address.Mailbox;
import relay.protocol.address.ParsedPath;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;

/**
 * Where an accepted RCPT goes, or why it is refused, once its syntax is known to be valid:
 * <ul>
 *   <li>{@code <postmaster>} and {@code postmaster@<this relay>} (RFC 5321 4.5.1: accepted from
 *       anybody) go to the configured postmaster mailbox; without one, 550 5.1.1;
 *   <li>a domain with no A-label form (RFC 5890) could never be routed: 553 5.1.3;
 *   <li>any other address only for an identified client (never an open relay): 554 5.7.1;
 *   <li>then the operator's rules for the client ({@link EnvelopePolicy#recipient}), e.g. a
 *       blocked recipient domain: 554 5.7.1 with the operator's reason.
 * </ul>
 * What passes is deliverable as written: the domain is in A-label form for DNS and for SMTP
 * without SMTPUTF8.
 */
final class RecipientCheck {

  /** The recipient to queue, or the reply that refuses it. */
  sealed interface Verdict {}

  record Accept(Mailbox recipient) implements Verdict {}

  /**
   * A refused recipient; {@code reason} present when the relay policy or the operator refused it
   * (a refusal for the event log), empty when the address itself is at fault.
   */
  record Refuse(SmtpReply reply, Optional<RefusalReason> reason, String address)
      implements Verdict {
    static Refuse address(SmtpReply reply) {
      return new Refuse(reply, Optional.empty(), "");
    }

    static Refuse policy(SmtpReply reply, RefusalReason reason, String address) {
      return new Refuse(reply, Optional.of(reason), address);
    }
  }

  private RecipientCheck() {}

  static Verdict check(ParsedPath path, Optional<ClientIdentity> client,
      SmtpServerSettings settings) {
    if (isPostmaster(path, settings.hostname())) {
      return settings.postmaster().<Verdict>map(Accept::new)
          .orElse(Refuse.address(Replies.NO_POSTMASTER));
    }
    Mailbox mailbox = ((ParsedPath.Ok) path).mailbox();
    Optional<Mailbox> routable = DomainNames.toAscii(mailbox);
    if (routable.isEmpty()) {
      return Refuse.address(Replies.BAD_RECIPIENT_DOMAIN);
    }
    if (!RelayCheck.mayRelay(client)) {
      return Refuse.policy(Replies.RELAY_DENIED, RefusalReason.RELAY_DENIED,
          routable.get().address());
    }
    Optional<EnvelopeRefusal> refusal = client.orElseThrow().envelope().recipient(routable.get());
    if (refusal.isPresent()) {
      return Refuse.policy(refusal.get().reply(), refusal.get().refusalReason(),
          routable.get().address());
    }
    return new Accept(routable.get());
  }

  private static boolean isPostmaster(ParsedPath path, String hostname) {
    if (path instanceof ParsedPath.Postmaster) {
      return true;
    }
    return path instanceof ParsedPath.Ok ok
        && ok.mailbox().localPart().equalsIgnoreCase("postmaster")
        && ok.mailbox().domain().equalsIgnoreCase(hostname);
  }
}

package relay.protocol.server;

import java.util.Optional;
import relay.protocol.address.DomainNames;
import relay.protocol.address.Mailbox;
import relay.protocol.address.MailboxParser;
import relay.protocol.address.ParsedPath;
import relay.protocol.command.MailParameters;
import relay.protocol.command.SmtpCommand;
import relay.protocol.command.Verb;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;

/**
 * MAIL FROM (RFC 5321 4.1.1.2) in the session's fixed order: sequence (503), path syntax (501,
 * 553 5.6.7 without SMTPUTF8), parameters (555/504), a sender domain with an A-label form
 * (553 5.1.7, DSNs go there), the operator's rules for the client ({@link EnvelopePolicy#sender},
 * 554/550 5.7.1), the declared SIZE= (552 5.3.4), then the transaction begins.
 */
final class MailCommand {

  private MailCommand() {}

  static void handle(SessionStep step, SmtpCommand.Mail mail) {
    Optional<SmtpReply> sequence = SequenceCheck.check(step.state(), Verb.MAIL);
    if (sequence.isPresent()) {
      step.reply(sequence.get());
      return;
    }
    MailParameters params = mail.params();
    ParsedPath path = MailboxParser.parseReversePath(mail.path(), params.smtputf8());
    if (path instanceof ParsedPath.Invalid || path instanceof ParsedPath.Postmaster) {
      step.reply(PathSyntax.refusal(mail.path(), params.smtputf8(), Replies.BAD_SENDER_SYNTAX));
      return;
    }
    boolean extended = step.state().greeting().map(SessionState.Greeting::extended).orElse(false);
    Optional<SmtpReply> problem = ParameterCheck.mail(params, extended);
    if (problem.isPresent()) {
      step.reply(problem.get());
      return;
    }
    Optional<Mailbox> sender = Optional.empty();
    if (path instanceof ParsedPath.Ok ok) {
      // the sender's domain is where DSNs go: it must have a DNS name too
      sender = DomainNames.toAscii(ok.mailbox());
      if (sender.isEmpty()) {
        step.reply(Replies.BAD_SENDER_DOMAIN);
        return;
      }
    }
    ClientIdentity client = step.state().client().orElseThrow();
    Optional<EnvelopeRefusal> refused = sender.flatMap(client.envelope()::sender);
    Optional<SmtpReply> refusal = refused.map(EnvelopeRefusal::reply)
        .or(() -> LimitChecks.declaredSize(params, step.limits()));
    if (refusal.isPresent()) {
      step.reply(refusal.get());
      step.report(SessionRefusal.Stage.MAIL,
          refused.map(EnvelopeRefusal::refusalReason).orElse(RefusalReason.SIZE),
          Optional.of(sender.map(Mailbox::address).orElse("")), refusal.get());
      return;
    }
    step.transaction(Transaction.begin(sender, params));
    step.reply(Replies.SENDER_OK);
  }
}

package relay.protocol.server;

import java.util.Optional;
import relay.protocol.address.Mailbox;
import relay.protocol.address.MailboxParser;
import relay.protocol.address.ParsedPath;
import relay.protocol.command.SmtpCommand;
import relay.protocol.command.Verb;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;

/**
 * RCPT TO (RFC 5321 4.1.1.3) in the session's fixed order: sequence (503), path syntax (501,
 * 553 5.6.7 without SMTPUTF8), parameters (555/504), where the recipient goes or why not
 * ({@link RecipientCheck}: postmaster, relay policy, the operator's rules), the recipient limit
 * (452 4.5.3), the client's recipient quota (452 4.5.3 with its reset, counted only here, so a
 * refused recipient uses none), then the recipient joins the transaction.
 */
final class RcptCommand {

  private RcptCommand() {}

  /** Handles RCPT; returns whether it counts as a junk command (beyond the recipient limit). */
  static boolean handle(SessionStep step, SmtpCommand.Rcpt rcpt) {
    Optional<SmtpReply> sequence = SequenceCheck.check(step.state(), Verb.RCPT);
    if (sequence.isPresent()) {
      step.reply(sequence.get());
      return false;
    }
    Transaction tx = step.tx().triedRecipient();
    step.transaction(tx);
    ParsedPath path = MailboxParser.parseForwardPath(rcpt.path(), tx.smtputf8());
    if (path instanceof ParsedPath.Invalid || path instanceof ParsedPath.NullPath) {
      step.reply(PathSyntax.refusal(rcpt.path(), tx.smtputf8(), Replies.BAD_RECIPIENT_SYNTAX));
      return false;
    }
    Optional<SmtpReply> parameterProblem = ParameterCheck.rcpt(rcpt.params());
    if (parameterProblem.isPresent()) {
      step.reply(parameterProblem.get());
      return false;
    }
    RecipientCheck.Verdict verdict =
        RecipientCheck.check(path, step.state().client(), step.settings());
    if (verdict instanceof RecipientCheck.Refuse refuse) {
      step.reply(refuse.reply());
      refuse.reason().ifPresent(reason -> step.report(SessionRefusal.Stage.RCPT, reason,
          Optional.of(refuse.address()), refuse.reply()));
      return false;
    }
    Mailbox accepted = ((RecipientCheck.Accept) verdict).recipient();
    Optional<SmtpReply> tooMany = LimitChecks.recipients(tx, step.limits());
    if (tooMany.isPresent()) {
      return overLimit(step, RefusalReason.RECIPIENTS_LIMIT, accepted, tooMany.get());
    }
    Optional<EnvelopeRefusal> quota = LimitChecks.quota(step.state().client(), accepted);
    if (quota.isPresent()) {
      return overLimit(step, quota.get().refusalReason(), accepted, quota.get().reply());
    }
    step.transaction(tx.withRecipient(accepted));
    step.reply(Replies.RECIPIENT_OK);
    return false;
  }

  /**
   * A recipient over a limit or the client's quota: the reply, reported as a refusal; it counts
   * as a junk command (a client that keeps adding recipients ends like any other abuse).
   */
  private static boolean overLimit(SessionStep step, RefusalReason reason, Mailbox recipient,
      SmtpReply reply) {
    step.reply(reply);
    step.report(SessionRefusal.Stage.RCPT, reason, Optional.of(recipient.address()), reply);
    return true;
  }
}

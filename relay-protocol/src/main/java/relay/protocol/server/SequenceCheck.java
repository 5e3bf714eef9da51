package relay.protocol.server;

import java.util.Optional;
import relay.protocol.command.Verb;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;

/**
 * The first check of every command: is it allowed at this point of the session (RFC 5321 4.1.4,
 * RFC 3030 §2, RFC 2920 3.1)? Answers the precise 503 (or 554 "No valid recipients") reply.
 *
 * <ul>
 *   <li>MAIL needs EHLO/HELO first and no transaction in progress.
 *   <li>RCPT needs a transaction, and no BDAT chunk sent in it yet.
 *   <li>DATA and BDAT need at least one accepted recipient; DATA may not follow BDAT.
 * </ul>
 */
final class SequenceCheck {

  private SequenceCheck() {}

  static Optional<SmtpReply> check(SessionState state, Verb verb) {
    switch (verb) {
      case MAIL:
        if (state.greeting().isEmpty()) {
          return Optional.of(Replies.NEED_HELO);
        }
        return state.transaction().isPresent() ? Optional.of(Replies.NESTED_MAIL) : Optional.empty();
      case RCPT:
        if (state.greeting().isEmpty()) {
          return Optional.of(Replies.NEED_HELO);
        }
        if (state.transaction().isEmpty()) {
          return Optional.of(Replies.NEED_MAIL);
        }
        return state.transaction().get().content() == Transaction.Content.BDAT
            ? Optional.of(Replies.RCPT_AFTER_BDAT) : Optional.empty();
      case DATA:
      case BDAT:
        if (state.greeting().isEmpty()) {
          return Optional.of(Replies.NEED_HELO);
        }
        if (state.transaction().isEmpty()) {
          return Optional.of(Replies.NEED_MAIL);
        }
        Transaction tx = state.transaction().get();
        if (verb == Verb.DATA && tx.content() == Transaction.Content.BDAT) {
          return Optional.of(Replies.BDAT_DATA_MIXED);
        }
        if (tx.recipients().isEmpty()) {
          return Optional.of(tx.recipientsTried() > 0 ? Replies.NO_VALID_RECIPIENTS
              : Replies.NEED_RCPT);
        }
        return Optional.empty();
      default:
        return Optional.empty();
    }
  }
}

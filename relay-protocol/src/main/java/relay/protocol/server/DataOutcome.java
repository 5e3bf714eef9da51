package relay.protocol.server;

import java.util.Optional;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;

/**
 * How receiving one message's content (or one BDAT chunk) went: the decoder's checks, the header
 * amender's loop check, and whether writing to the spool failed.
 */
public record DataOutcome(DataStats stats, boolean mailLoop, boolean storageFailed) {

  /** A clean outcome (tests, and content that was discarded anyway). */
  public static DataOutcome of(DataStats stats) {
    return new DataOutcome(stats, false, false);
  }

  /**
   * The reply that refuses the message, if it must be refused; the first that applies of: spool
   * failure (451 4.3.0), size (552 5.3.4), bare CR/LF (554 5.6.0), long line (554 5.6.0), mail
   * loop (554 5.4.6).
   */
  public Optional<SmtpReply> refusal() {
    if (storageFailed) {
      return Optional.of(Replies.LOCAL_ERROR);
    }
    if (stats.sizeExceeded()) {
      return Optional.of(Replies.MESSAGE_TOO_BIG);
    }
    if (stats.bareLineEnding()) {
      return Optional.of(Replies.BARE_LINE_ENDING);
    }
    if (stats.lineTooLong()) {
      return Optional.of(Replies.TEXT_LINE_TOO_LONG);
    }
    if (mailLoop) {
      return Optional.of(Replies.MAIL_LOOP);
    }
    return Optional.empty();
  }
}

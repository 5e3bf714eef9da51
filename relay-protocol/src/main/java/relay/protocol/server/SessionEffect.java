package relay.protocol.server;

import java.util.Optional;

/**
 * What the stage must do after a {@link Transition}, in list order, before it sends the replies.
 */
public sealed interface SessionEffect {

  /**
   * Open a spool entry ({@link MessageSink#begin}) and answer at once with
   * {@link SessionInput.MessageOpened} or {@link SessionInput.MessageFailed}.
   */
  record OpenMessage() implements SessionEffect {}

  /** Switch the decoder to DATA mode; amend the content with a header for {@code trace}. */
  record ExpectData(long maxBytes, ReceivedTrace trace) implements SessionEffect {}

  /**
   * Switch the decoder to BDAT mode for {@code size} octets (RFC 3030). {@code startsMessage} is
   * present on the first chunk of an opened message (start the header amendment); a
   * {@code discard} chunk is consumed and dropped (the command was refused, its reply follows
   * the octets).
   */
  record ExpectBdat(long size, boolean last, Optional<ReceivedTrace> startsMessage,
      boolean discard, long maxBytes) implements SessionEffect {}

  /** Commit the open message with this envelope; report MessageQueued or MessageFailed. */
  record CommitMessage(Envelope envelope) implements SessionEffect {}

  /** Discard the open message, if any (idempotent). */
  record AbortMessage() implements SessionEffect {}

  /** Tell the policy of a refusal it may log ({@link ClientPolicy#refused}). */
  record ReportRefusal(SessionRefusal refusal) implements SessionEffect {}

  /** Close the connection once the replies are written. */
  record Close() implements SessionEffect {}

  /**
   * Write the replies (the 220 to STARTTLS), then start TLS; drop whatever plaintext the client
   * sent after the STARTTLS line, and any that still arrives, unanswered (RFC 3207 4.2,
   * CVE-2011-0411); answer {@link SessionInput.TlsEstablished} once the session is up.
   */
  record StartTls() implements SessionEffect {}

  /**
   * Ask the {@link ClientPolicy#authenticate} about these credentials without blocking; answer
   * {@link SessionInput.AuthFinished} or {@link SessionInput.AuthUnavailable}. The password
   * lives only here: never logged, never kept ({@link #toString()} hides it).
   */
  record Authenticate(String authorizationId, String username, String password)
      implements SessionEffect {
    @Override
    public String toString() {
      return "Authenticate[****]";
    }
  }
}

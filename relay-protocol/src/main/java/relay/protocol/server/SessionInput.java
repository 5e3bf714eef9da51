package relay.protocol.server;

import java.time.Instant;
import relay.protocol.command.SmtpCommand;
import relay.protocol.reply.SmtpReply;
import relay.protocol.tls.TlsInfo;

/** What can happen to an SMTP session: the inputs of {@link SmtpSession#next}. */
public sealed interface SessionInput {

  /** The client policy identified the connection: time for the greeting. */
  record Connected(ClientIdentity client) implements SessionInput {}

  /**
   * The policy refused the connection of {@code client}: the refusal's reply, then close, or wait
   * for QUIT if {@code waitForQuit} and the refusal is a 554; {@code reason} is the operator's
   * reason of a block ("" otherwise).
   */
  record Refused(ClientIdentity client, Admission.Refusal refusal, String reason,
      boolean waitForQuit) implements SessionInput {

    /** A refusal that closes after its reply. */
    public Refused(ClientIdentity client, Admission.Refusal refusal, String reason) {
      this(client, refusal, reason, false);
    }
  }

  /** The client policy failed (timeout, store down): 421 and close. */
  record IdentificationFailed() implements SessionInput {}

  /** One parsed command line. */
  record CommandLine(SmtpCommand command) implements SessionInput {}

  /** A command line over the limit was received and dropped. */
  record LineTooLong() implements SessionInput {}

  /** The stage opened a spool entry after {@link SessionEffect.OpenMessage}. */
  record MessageOpened(String queueId, Instant receivedAt) implements SessionInput {}

  /** The content of DATA, or of one BDAT chunk, has been consumed. */
  record DataFinished(DataOutcome outcome) implements SessionInput {}

  /** The committed message is durable and enqueued. */
  record MessageQueued(String queueId) implements SessionInput {}

  /** Opening or committing the message failed; {@code reply} is what the client is told. */
  record MessageFailed(SmtpReply reply) implements SessionInput {}

  /**
   * The commit could not tell whether the message was queued ({@link
   * MessageOutcomeUnknownException}): no reply is true, so the session closes without one.
   */
  record MessageOutcomeUnknown() implements SessionInput {}

  /**
   * A command line did not arrive whole within command-timeout, or content not within
   * data-timeout plus its octets at min-data-rate.
   */
  record IdleTimeout() implements SessionInput {}

  /** The session has lasted max-session-time: close at the end of the transaction. */
  record TimeUp() implements SessionInput {}

  /** The node is shutting down. */
  record ShuttingDown() implements SessionInput {}

  /**
   * The connection's TLS session is up: after STARTTLS (the session starts over, RFC 3207 4.2),
   * or on an implicit-TLS listener before the first command is read.
   */
  record TlsEstablished(TlsInfo tls) implements SessionInput {}

  /**
   * One line of an AUTH exchange (RFC 4954 4), as sent: base64 or "*" to cancel. It may hold a
   * password: {@link #toString()} never shows it.
   */
  record SaslResponse(String line) implements SessionInput {
    @Override
    public String toString() {
      return "SaslResponse[****]";
    }
  }

  /** The client policy's verdict on the credentials of {@link SessionEffect.Authenticate}. */
  record AuthFinished(AuthOutcome outcome) implements SessionInput {}

  /** The client policy could not decide (a store down, a timeout): 454 4.7.0. */
  record AuthUnavailable() implements SessionInput {}
}

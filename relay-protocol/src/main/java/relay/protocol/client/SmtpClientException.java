package relay.protocol.client;

import java.util.Objects;
import relay.protocol.reply.SmtpReply;

/**
 * An outbound SMTP attempt ended without a per-recipient answer: the connection failed, timed
 * out, was closed, or the server refused the session. {@link #reply()} is the reply the caller
 * uses for every recipient it could not deliver in that attempt (from the outbound catalogue,
 * {@code relay.protocol.reply.DeliveryReplies}, or the server's own); {@link #kind()} says what
 * happened, for the caller's policy (try the next host, count the destination as slow, bounce a
 * loop). The connection is closed. The exception's message is the reply's summary; the network
 * exception behind it, if any, is the cause, for logs only.
 */
public final class SmtpClientException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What ended the attempt. */
  public enum Kind {
    /** The TCP connection could not be made (refused, no route, unknown host). */
    CONNECT_FAILED,
    /** The server's own reply refused the session or closed it (4xx/5xx greeting, HELO refused, 421). */
    SERVER_REFUSED,
    /**
     * The host did not answer in time: the connect timed out, a reply did not come within its
     * timeout, or a write stayed blocked past data-block-timeout.
     */
    TIMED_OUT,
    /** The whole attempt's deadline passed (relay.smtp.client.attempt-timeout). */
    ATTEMPT_EXPIRED,
    /** The connection broke (reset, closed by the server). */
    LOST,
    /** The server sent something that is not an SMTP reply, or a reply that fits no step. */
    PROTOCOL_ERROR,
    /** The server greeted or answered EHLO with one of this relay's own names: a mail loop. */
    LOOP,
    /** A transaction was asked of a connection already closed. */
    CLOSED,
    /** The message could not be read locally (not the remote host's fault). */
    LOCAL,
    /**
     * The destination's TLS policy requires TLS and the server did not offer STARTTLS or refused
     * it (RFC 3207); nothing was sent in clear.
     */
    TLS_UNAVAILABLE,
    /** The TLS handshake after STARTTLS failed (an opportunistic sender may retry in clear). */
    TLS_FAILED,
    /** The policy requires a verified certificate and the server's did not verify. */
    TLS_UNVERIFIED
  }

  private final transient SmtpReply reply;
  private final Kind kind;

  public SmtpClientException(Kind kind, SmtpReply reply, Throwable cause) {
    super(Objects.requireNonNull(reply, "reply").summary(), cause);
    this.reply = reply;
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public SmtpReply reply() {
    return reply;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * True when the failure belongs to the remote host or the connection to it: the caller may try
   * the next MX host. False when it is local (the message could not be read from the spool).
   */
  public boolean isConnectionLevel() {
    return kind != Kind.LOCAL;
  }

  /** True when {@link #reply()} is the server's own reply (e.g. a 554 greeting), not made here. */
  public boolean isFromServer() {
    return kind == Kind.SERVER_REFUSED;
  }

  /** True when the destination's TLS policy was not met (never a reason to send in clear). */
  public boolean isTlsPolicy() {
    return kind == Kind.TLS_UNAVAILABLE || kind == Kind.TLS_UNVERIFIED;
  }

  /** True when the server did not answer or read in time: a slow or hostile destination. */
  public boolean isTimeout() {
    return kind == Kind.TIMED_OUT || kind == Kind.ATTEMPT_EXPIRED;
  }
}

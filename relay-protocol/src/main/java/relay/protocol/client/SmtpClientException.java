package relay.protocol.client;

import java.util.Objects;
import relay.protocol.reply.SmtpReply;

/**
 * An outbound SMTP attempt ended without a per-recipient answer: the connection failed, timed
 * out, was closed, or the server refused the session. {@link #reply()} is the reply the caller
 * uses for every recipient it could not deliver in that attempt. The connection is closed.
 */
public final class SmtpClientException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient SmtpReply reply;
  private final boolean connectionLevel;
  private final boolean fromServer;

  public SmtpClientException(SmtpReply reply, boolean connectionLevel, boolean fromServer, Throwable cause) {
    super(reply.summary(), cause);
    this.reply = Objects.requireNonNull(reply, "reply");
    this.connectionLevel = connectionLevel;
    this.fromServer = fromServer;
  }

  public SmtpReply reply() {
    return reply;
  }

  /**
   * True when the failure belongs to the remote host or the connection to it (connect failure,
   * greeting or HELO refused, timeout, lost connection, protocol error, 421): the caller may try
   * the next MX host. False when it is local (the message could not be read from the spool).
   */
  public boolean isConnectionLevel() {
    return connectionLevel;
  }

  /** True when {@link #reply()} is the server's own reply (e.g. a 554 greeting), not made here. */
  public boolean isFromServer() {
    return fromServer;
  }
}

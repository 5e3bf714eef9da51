package relay.protocol.server;

/**
 * A {@link MessageWriter#commit} fails with this (directly or as the cause of a completion
 * failure) when it cannot tell whether the message was accepted: it may have been queued and may
 * be delivered. The client must then be told neither 250 nor a refusal: the session closes the
 * connection without a reply, which the client takes as "not sent" and sends again later (a
 * repeat the relay can recognise). The writer is not aborted: the message's body stays.
 */
public final class MessageOutcomeUnknownException extends Exception {

  private static final long serialVersionUID = 1L;

  public MessageOutcomeUnknownException(String message) {
    super(message, null, false, false);
  }

  /** Whether {@code failure} or one of its causes is this. */
  static boolean in(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof MessageOutcomeUnknownException) {
        return true;
      }
    }
    return false;
  }
}

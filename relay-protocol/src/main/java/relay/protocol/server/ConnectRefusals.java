package relay.protocol.server;

import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;

/**
 * The reply of each way a policy may refuse a connection before the greeting (RFC 5321 3.1): 421
 * for a limit that will pass (the client retries, the connection closes), 554 5.7.1 for the
 * operator's decision (after which the session may wait for QUIT, see {@link
 * Admission.Refused}).
 */
final class ConnectRefusals {

  private ConnectRefusals() {}

  static SmtpReply reply(String hostname, Admission.Refusal refusal, String reason) {
    switch (refusal) {
      case TOO_MANY_SESSIONS:
        return Replies.tooManySessions(hostname);
      case TOO_MANY_FROM_ADDRESS:
        return Replies.tooManyConnectionsFromAddress(hostname);
      case TOO_MANY_UNIDENTIFIED:
        return Replies.tooManyUnidentifiedConnections(hostname);
      case BLOCKED:
      case CLIENT_BLOCKED:
        return Replies.blockedAtConnect(hostname, reason);
      case CLIENT_SUSPENDED:
        return Replies.clientSuspended(hostname);
      case OUTSIDE_TEST_WINDOW:
        return Replies.outsideTestWindow(hostname);
      case REGISTRY_INCOMPLETE:
        return Replies.serviceUnavailable(hostname);
      case LOCKED_OUT:
        return Replies.lockedOut(hostname, reason);
      default:
        throw new IllegalArgumentException(refusal.toString());
    }
  }
}

package relay.protocol.server;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import relay.protocol.address.Mailbox;
import relay.protocol.tls.TlsInfo;

/**
 * The facts of the Received: trace header the relay adds to a message (RFC 5321 4.4): the name
 * the client gave in EHLO/HELO, its IP, the protocol keyword (RFC 3848/6531), the queue id, the
 * recipient when there is exactly one, the time of receipt, and the TLS session the message
 * came over, if any (its protocol and cipher go in a comment, as Postfix writes them).
 */
public record ReceivedTrace(String heloName, String remoteIp, String protocol, String queueId,
    Optional<Mailbox> singleRecipient, Instant receivedAt, Optional<TlsInfo> tls) {

  /** The trace of a message received without TLS. */
  public ReceivedTrace(String heloName, String remoteIp, String protocol, String queueId,
      Optional<Mailbox> singleRecipient, Instant receivedAt) {
    this(heloName, remoteIp, protocol, queueId, singleRecipient, receivedAt, Optional.empty());
  }

  public ReceivedTrace {
    Objects.requireNonNull(heloName, "heloName");
    Objects.requireNonNull(remoteIp, "remoteIp");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(queueId, "queueId");
    Objects.requireNonNull(singleRecipient, "singleRecipient");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(tls, "tls");
  }
}

package relay.node;

import java.time.Duration;
import relay.node.smtp.SpoolMessageSink;
import relay.persistence.log.MessageEventLog;
import relay.protocol.address.Mailbox;
import relay.protocol.server.Envelope;

/** Writes the "received" message event when a message has been accepted durably. */
final class AcceptanceEvents implements SpoolMessageSink.AcceptanceLog {

  private final MessageEventLog log = new MessageEventLog();

  @Override
  public void received(Envelope envelope, Duration acceptTime) {
    log.received(envelope.queueId(), envelope.client().clientName().orElse(envelope.client().remoteIp()),
        envelope.sender().map(Mailbox::address).orElse(""),
        envelope.recipients().stream().map(Mailbox::address).toList(), envelope.size(),
        acceptTime.toNanos() / 1_000_000.0);
  }
}

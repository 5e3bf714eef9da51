package relay.node;

import java.time.Duration;
import java.util.List;
import relay.http.metrics.RelayMetrics;
import relay.node.smtp.SpoolMessageSink;
import relay.persistence.history.HistoryRecord;
import relay.persistence.history.MessageHistory;
import relay.persistence.log.MessageEventLog;
import relay.protocol.address.Mailbox;
import relay.protocol.server.Envelope;

/**
 * Writes the "received" message event when a message has been accepted durably, and hands the
 * acceptance to the message history (a small entry into its buffer; never blocks); counts it in
 * the node's metrics with its end-of-data-to-250 time (lock-free adds).
 */
final class AcceptanceEvents implements SpoolMessageSink.AcceptanceLog {

  private final MessageEventLog log = new MessageEventLog();
  private final MessageHistory history;
  private final RelayMetrics metrics;

  AcceptanceEvents(MessageHistory history, RelayMetrics metrics) {
    this.history = history;
    this.metrics = metrics;
  }

  @Override
  public void received(Envelope envelope, Duration acceptTime) {
    metrics.accepted(envelope.recipients().size(), acceptTime.toNanos());
    String sender = envelope.sender().map(Mailbox::address).orElse("");
    List<String> recipients = envelope.recipients().stream().map(Mailbox::address).toList();
    log.received(envelope.queueId(), envelope.client().clientName().orElse(envelope.client().remoteIp()),
        sender, recipients, envelope.size(), acceptTime.toNanos() / 1_000_000.0);
    history.record(new HistoryRecord.Accepted(envelope.queueId(), envelope.client().clientName(),
        java.util.Optional.of(envelope.client().remoteIp()), sender, recipients, envelope.size(),
        envelope.receivedAt()));
  }
}

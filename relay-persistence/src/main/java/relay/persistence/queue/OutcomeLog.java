package relay.persistence.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import relay.persistence.history.EventKind;
import relay.persistence.history.HistoryRecord;
import relay.persistence.history.MessageHistory;
import relay.persistence.log.MessageEventLog;
import relay.persistence.queue.DeliveryQueue.Event;
import relay.persistence.queue.DeliveryQueue.MessageExpired;
import relay.persistence.queue.DeliveryQueue.RecipientsBounced;
import relay.persistence.queue.DeliveryQueue.RecipientsDeferred;
import relay.persistence.queue.DeliveryQueue.RecipientsDelivered;
import relay.protocol.client.TlsStatus;

/**
 * The message event log lines and message history entries of a queue's persisted attempt
 * outcomes (delivered, deferred, bounced, expired), written after the write, never during
 * replay. The history only takes a small entry into its buffer here (see HistoryWriter); each
 * outcome's recipients are counted for the node's metrics at the same point.
 */
final class OutcomeLog {

  private final MessageEventLog log;
  private final MessageHistory history;
  private final String domain;
  private final OutcomeCounter counter;

  OutcomeLog(MessageEventLog log, MessageHistory history, String domain) {
    this(log, history, domain, OutcomeCounter.NONE);
  }

  OutcomeLog(MessageEventLog log, MessageHistory history, String domain,
      OutcomeCounter counter) {
    this.log = log;
    this.history = history;
    this.domain = domain;
    this.counter = counter;
  }

  /** {@link #persisted(Event, Map, Function)} for events of no connection (TLS none). */
  void persisted(Event e, Map<String, PendingMessage> before) {
    persisted(e, before, id -> TlsStatus.NONE);
  }

  /**
   * Logs a persisted event and hands it to the message history; {@code before}: the pending
   * messages as they were before it; {@code tls}: what protected the connection of each message's
   * attempt.
   */
  void persisted(Event e, Map<String, PendingMessage> before, Function<String, TlsStatus> tls) {
    if (e instanceof RecipientsDelivered d) {
      PendingMessage m = before.get(d.queueId());
      int attempt = m.attempts() + 1;
      counter.delivered(d.recipients().size());
      log.delivered(d.queueId(), domain, m.sender(), d.recipients(), d.remoteHost(),
          d.reply().summary(), attempt, delayMs(m, d.at()), m.size(), tls.apply(d.queueId()));
      history(d.queueId(), EventKind.DELIVERED, d.recipients(), d.remoteHost(), d.reply(),
          attempt, d.at(), tls.apply(d.queueId()));
    } else if (e instanceof RecipientsDeferred d) {
      PendingMessage m = before.get(d.queueId());
      counter.deferred(d.recipients().size());
      log.deferred(d.queueId(), domain, m.sender(), d.recipients(), d.remoteHost(),
          d.reply().summary(), d.attempt(), delayMs(m, d.at()), m.size(), tls.apply(d.queueId()));
      history(d.queueId(), EventKind.DEFERRED, d.recipients(), d.remoteHost(), d.reply(),
          d.attempt(), d.at(), tls.apply(d.queueId()));
    } else if (e instanceof RecipientsBounced b) {
      PendingMessage m = before.get(b.queueId());
      int attempt = m.attempts() + 1;
      counter.bounced(b.recipients().size());
      log.bounced(b.queueId(), domain, m.sender(), b.recipients(), b.remoteHost(),
          b.reply().summary(), attempt, delayMs(m, b.at()), m.size(), tls.apply(b.queueId()));
      history(b.queueId(), EventKind.BOUNCED, b.recipients(), b.remoteHost(), b.reply(),
          attempt, b.at(), tls.apply(b.queueId()));
    } else if (e instanceof MessageExpired x) {
      PendingMessage m = before.get(x.queueId());
      int attempt = m.attempts() + 1;
      counter.expired(x.recipients().size());
      log.expired(x.queueId(), domain, m.sender(), x.recipients(), x.remoteHost(),
          x.lastReply().summary(), attempt, delayMs(m, x.at()), m.size(), tls.apply(x.queueId()));
      history(x.queueId(), EventKind.EXPIRED, x.recipients(), x.remoteHost(), x.lastReply(),
          attempt, x.at(), tls.apply(x.queueId()));
    }
  }

  private void history(String queueId, EventKind kind, List<String> recipients,
      String remoteHost, RecordedReply reply, int attempt, Instant at, TlsStatus tls) {
    history.record(new HistoryRecord.Outcome(queueId, kind, recipients,
        Optional.ofNullable(remoteHost), Optional.of(reply.summary()), attempt,
        Optional.empty(), at, Optional.of(tls.summary())));
  }

  static long delayMs(PendingMessage m, Instant at) {
    return Math.max(0, Duration.between(m.receivedAt(), at).toMillis());
  }
}

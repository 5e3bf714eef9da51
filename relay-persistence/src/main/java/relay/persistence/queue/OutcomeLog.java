package relay.persistence.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import relay.persistence.log.MessageEventLog;
import relay.persistence.queue.DeliveryQueue.Event;
import relay.persistence.queue.DeliveryQueue.MessageExpired;
import relay.persistence.queue.DeliveryQueue.RecipientsBounced;
import relay.persistence.queue.DeliveryQueue.RecipientsDeferred;
import relay.persistence.queue.DeliveryQueue.RecipientsDelivered;

/**
 * The message event log lines of a queue's persisted attempt outcomes (delivered, deferred,
 * bounced, expired), written after the write, never during replay.
 */
final class OutcomeLog {

  private final MessageEventLog log;
  private final String domain;

  OutcomeLog(MessageEventLog log, String domain) {
    this.log = log;
    this.domain = domain;
  }

  /** Logs a persisted event; {@code before}: the pending messages as they were before it. */
  void persisted(Event e, Map<String, PendingMessage> before) {
    if (e instanceof RecipientsDelivered d) {
      PendingMessage m = before.get(d.queueId());
      log.delivered(d.queueId(), domain, m.sender(), d.recipients(), d.remoteHost(),
          d.reply().summary(), m.attempts() + 1, delayMs(m, d.at()), m.size());
    } else if (e instanceof RecipientsDeferred d) {
      PendingMessage m = before.get(d.queueId());
      log.deferred(d.queueId(), domain, m.sender(), d.recipients(), d.remoteHost(),
          d.reply().summary(), d.attempt(), delayMs(m, d.at()), m.size());
    } else if (e instanceof RecipientsBounced b) {
      PendingMessage m = before.get(b.queueId());
      log.bounced(b.queueId(), domain, m.sender(), b.recipients(), b.remoteHost(),
          b.reply().summary(), m.attempts() + 1, delayMs(m, b.at()), m.size());
    } else if (e instanceof MessageExpired x) {
      PendingMessage m = before.get(x.queueId());
      log.expired(x.queueId(), domain, m.sender(), x.recipients(), x.remoteHost(),
          x.lastReply().summary(), m.attempts() + 1, delayMs(m, x.at()), m.size());
    }
  }

  static long delayMs(PendingMessage m, Instant at) {
    return Math.max(0, Duration.between(m.receivedAt(), at).toMillis());
  }
}

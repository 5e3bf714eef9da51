package relay.persistence.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import relay.persistence.queue.DeliveryQueue.DelayWarningSent;
import relay.persistence.queue.DeliveryQueue.Event;
import relay.persistence.queue.DeliveryQueue.MessageExpired;
import relay.persistence.queue.DeliveryQueue.RecipientsBounced;
import relay.persistence.queue.DeliveryQueue.RecipientsDeferred;
import relay.persistence.queue.DeliveryQueue.RecipientsDelivered;
import relay.protocol.reply.DeliveryReplies;

/**
 * The policy that turns one attempt's replies into events, as a pure function of the pending
 * message, the outcome, the time and the settings:
 *
 * <ul>
 *   <li>2xx: delivered. 5xx: bounced (RFC 5321 §4.2.1, permanent), with a FAILED DSN unless the
 *       sender is null (RFC 5321 §4.5.5; RFC 3461 §6.2).
 *   <li>4xx: deferred to {@code now + retry.delayAfter(attempt)}, never later than the end of the
 *       message's lifetime; once the lifetime is over, expired instead (with a FAILED DSN).
 *   <li>The first deferral at least {@code delay-warning} after reception also yields the one
 *       DELAYED DSN of the message (RFC 3464 Action: delayed).
 *   <li>A pending recipient the outcome says nothing about is deferred (451 4.4.0), so no
 *       recipient is ever forgotten.
 * </ul>
 *
 * All bounced and expired recipients of one attempt share one DSN ({@code <queueId>.F<attempt>});
 * the delay warning is {@code <queueId>.D}. Replies are grouped: one event per distinct reply.
 */
final class AttemptPlanner {

  static final RecordedReply NO_RESULT = RecordedReply.of(DeliveryReplies.noResult());

  private AttemptPlanner() {}

  static List<Event> plan(PendingMessage msg, AttemptOutcome outcome, Instant now,
      QueueSettings settings) {
    int attempt = msg.attempts() + 1;
    Set<String> pending = new LinkedHashSet<>(msg.recipients());
    Map<String, RecordedReply> byRecipient = new HashMap<>();
    for (AttemptOutcome.RecipientReply r : outcome.replies()) {
      if (pending.contains(r.recipient())) {
        byRecipient.putIfAbsent(r.recipient(), r.reply());
      }
    }
    Map<RecordedReply, List<String>> delivered = new LinkedHashMap<>();
    Map<RecordedReply, List<String>> deferred = new LinkedHashMap<>();
    Map<RecordedReply, List<String>> bounced = new LinkedHashMap<>();
    for (String rcpt : pending) {
      RecordedReply reply = byRecipient.getOrDefault(rcpt, NO_RESULT);
      Map<RecordedReply, List<String>> target =
          reply.positive() ? delivered : reply.permanent() ? bounced : deferred;
      target.computeIfAbsent(reply, k -> new ArrayList<>()).add(rcpt);
    }

    String host = outcome.remoteHost();
    String failedDsn = msg.hasNullSender() ? "" : msg.queueId() + ".F" + attempt;
    List<Event> events = new ArrayList<>();
    delivered.forEach((reply, rcpts) ->
        events.add(new RecipientsDelivered(msg.queueId(), rcpts, host, reply, now)));
    bounced.forEach((reply, rcpts) ->
        events.add(new RecipientsBounced(msg.queueId(), rcpts, host, reply, now, failedDsn)));
    if (deferred.isEmpty()) {
      return events;
    }

    Instant expiresAt = msg.receivedAt().plus(settings.maxLifetime());
    if (!now.isBefore(expiresAt)) {
      deferred.forEach((reply, rcpts) ->
          events.add(new MessageExpired(msg.queueId(), rcpts, host, reply, now, failedDsn)));
      return events;
    }
    Instant next = now.plus(settings.retry().delayAfter(attempt));
    if (next.isAfter(expiresAt)) {
      next = expiresAt;
    }
    List<FailedRecipient> warned = new ArrayList<>();
    Optional<String> hostOpt = host.isEmpty() ? Optional.empty() : Optional.of(host);
    for (Map.Entry<RecordedReply, List<String>> e : deferred.entrySet()) {
      RecordedReply reply = e.getKey();
      events.add(new RecipientsDeferred(msg.queueId(), e.getValue(), host, reply, attempt, next, now));
      for (String rcpt : e.getValue()) {
        warned.add(new FailedRecipient(rcpt, reply.code(), reply.enhanced(), reply.text(), hostOpt, now));
      }
    }
    boolean late = Duration.between(msg.receivedAt(), now).compareTo(settings.delayWarning()) >= 0;
    if (settings.delayWarningEnabled() && late && !msg.delayWarned() && !msg.hasNullSender()) {
      events.add(new DelayWarningSent(msg.queueId(), warned, expiresAt, now, msg.queueId() + ".D"));
    }
    return events;
  }
}

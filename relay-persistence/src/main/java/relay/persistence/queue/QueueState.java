package relay.persistence.queue;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import relay.persistence.CborSerializable;
import relay.persistence.queue.DeliveryQueue.DelayWarningSent;
import relay.persistence.queue.DeliveryQueue.DeliveryHeld;
import relay.persistence.queue.DeliveryQueue.DeliveryReleased;
import relay.persistence.queue.DeliveryQueue.DsnQueued;
import relay.persistence.queue.DeliveryQueue.Event;
import relay.persistence.queue.DeliveryQueue.MessageExpired;
import relay.persistence.queue.DeliveryQueue.MessagesEnqueued;
import relay.persistence.queue.DeliveryQueue.OperatorHold;
import relay.persistence.queue.DeliveryQueue.RecipientsBounced;
import relay.persistence.queue.DeliveryQueue.RecipientsDeferred;
import relay.persistence.queue.DeliveryQueue.RecipientsDelivered;
import relay.persistence.queue.DeliveryQueue.RetryRequested;
import relay.persistence.queue.DeliveryQueue.Snapshot;

/**
 * All pending messages and DSNs of the queue, and the finished messages it remembers: the
 * pending index ({@link PendingIndex}, by next attempt time), the DSNs not yet accepted
 * ({@link PendingDsns}) and the recent completions ({@link RecentCompletions}).
 *
 * <p>XXX: mutable on purpose. An immutable copy per event would cost O(n) per write at 100,000
 * pending messages; instead only the event handler mutates it (and returns the same instance),
 * and snapshots go through {@link QueueSnapshotAdapter}, which copies it into an immutable
 * {@link Snapshot} on the actor's thread before the snapshot store sees it.
 */
public final class QueueState implements CborSerializable {

  private final int rememberLimit;
  private final DuplicateSettings duplicates;
  private PendingIndex pending;
  private PendingDsns dsns;
  private RecentCompletions completed;
  private RecentMessages recentMessages;
  /** The operator's hold, if any (see {@code DeliveryQueue.Hold}). */
  private Optional<OperatorHold> hold;
  /** The newest transient or permanent failure reply of an attempt, if any. */
  private Optional<RecordedReply> lastFailure;

  QueueState(int rememberLimit) {
    this(rememberLimit, DeliveryQueue.DEFAULT_DUPLICATES);
  }

  QueueState(int rememberLimit, DuplicateSettings duplicates) {
    this.rememberLimit = rememberLimit;
    this.duplicates = duplicates;
    reset();
  }

  /**
   * Empties the state, as new. Before a restart after a journal failure: Pekko's javadsl
   * recovers onto the QueueState object the entity was created with ({@code emptyState()} is
   * called once), and this one is mutable, so without it the restart would replay onto what
   * the failed write had already applied (a resend then acknowledged with nothing written).
   */
  void reset() {
    pending = new PendingIndex();
    dsns = new PendingDsns();
    completed = new RecentCompletions(rememberLimit);
    recentMessages = new RecentMessages(duplicates);
    hold = Optional.empty();
    lastFailure = Optional.empty();
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static QueueState fromSnapshot(Snapshot s) {
    return fromSnapshot(s, 10_000, DeliveryQueue.DEFAULT_DUPLICATES);
  }

  static QueueState fromSnapshot(Snapshot s, int rememberLimit) {
    return fromSnapshot(s, rememberLimit, DeliveryQueue.DEFAULT_DUPLICATES);
  }

  static QueueState fromSnapshot(Snapshot s, int rememberLimit, DuplicateSettings duplicates) {
    QueueState state = new QueueState(rememberLimit, duplicates);
    state.recentMessages = RecentMessages.of(s.recentMessages(), duplicates);
    s.messages().forEach(state.pending::put);
    s.dsns().forEach(state.dsns::restore);
    state.completed.restore(s.recentlyCompleted());
    state.hold = Optional.ofNullable(s.hold());
    state.lastFailure = Optional.ofNullable(s.lastFailure());
    return state;
  }

  @JsonValue
  public Snapshot toSnapshot() {
    return new Snapshot(List.copyOf(pending.all()), List.copyOf(dsns.all()), completed.all(),
        recentMessages.entries(), hold.orElse(null), lastFailure.orElse(null));
  }

  public Optional<PendingMessage> message(String queueId) {
    return pending.get(queueId);
  }

  public Collection<PendingDsn> pendingDsns() {
    return dsns.all();
  }

  Optional<PendingDsn> pendingDsn(String dsnId) {
    return dsns.get(dsnId);
  }

  /** Every pending message, oldest arrival first (read only). */
  public Collection<PendingMessage> messages() {
    return pending.all();
  }

  /** The operator's hold: while present nothing is attempted. */
  public Optional<OperatorHold> hold() {
    return hold;
  }

  public boolean held() {
    return hold.isPresent();
  }

  /** The newest 4xx or 5xx reply of an attempt (a deferral, bounce or expiry), if any. */
  public Optional<RecordedReply> lastFailure() {
    return lastFailure;
  }

  /** How many pending messages are due later than {@code at}. */
  int dueAfter(Instant at) {
    return pending.dueAfter(at);
  }

  public int pendingMessageCount() {
    return pending.size();
  }

  public long pendingRecipientCount() {
    return pending.recipientCount();
  }

  /** Whether the queue holds nothing: no pending message and no pending DSN. */
  public boolean isEmpty() {
    return pending.isEmpty() && dsns.isEmpty();
  }

  /** Pending, or finished recently enough to be remembered: a repeated enqueue is a no-op. */
  public boolean knows(String queueId) {
    return pending.contains(queueId) || completed.contains(queueId);
  }

  /** The fingerprints of messages taken recently ({@link RecentMessages}). */
  RecentMessages recentMessages() {
    return recentMessages;
  }

  /** The newest {@code n} remembered completions, oldest first. */
  List<String> newestCompleted(int n) {
    return completed.newest(n);
  }

  /** The spool entry is no longer needed: no recipient pending and no DSN pending. */
  boolean finished(String queueId) {
    return !pending.contains(queueId) && !dsns.holdsFor(queueId);
  }

  Optional<Instant> oldestReceivedAt() {
    return pending.oldestReceivedAt();
  }

  /** The first message due at {@code now} that is not in flight; skips at most inFlight.size(). */
  Optional<PendingMessage> firstDue(Instant now, Set<String> inFlight) {
    return pending.firstDue(now, inFlight);
  }

  /** When the next message not in flight is due (may be in the past), empty if none. */
  Optional<Instant> nextDueAt(Set<String> inFlight) {
    return pending.nextDueAt(inFlight);
  }

  QueueState apply(Event event) {
    if (event instanceof MessagesEnqueued e) {
      for (QueuedMessage m : e.messages()) {
        if (!pending.contains(m.queueId())) {
          pending.put(new PendingMessage(m.queueId(), m.sender(), m.recipients(), m.size(),
              m.receivedAt(), m.eightBit(), m.smtputf8(), 0, e.at(), false, m.client()));
        }
        if (m.fingerprint() != null) {
          recentMessages.add(m.fingerprint(), m.queueId(), e.at());
        }
      }
    } else if (event instanceof RecipientsDelivered e) {
      remove(e.queueId(), e.recipients());
    } else if (event instanceof RecipientsBounced e) {
      lastFailure = Optional.of(e.reply());
      failed(e.queueId(), e.recipients(), e.remoteHost(), e.reply(), e.at(), e.dsnId());
    } else if (event instanceof MessageExpired e) {
      lastFailure = Optional.of(e.lastReply());
      failed(e.queueId(), e.recipients(), e.remoteHost(), e.lastReply(), e.at(), e.dsnId());
    } else if (event instanceof RecipientsDeferred e) {
      lastFailure = Optional.of(e.reply());
      pending.deferred(e.queueId(), e.attempt(), e.nextAttemptAt());
    } else if (event instanceof DelayWarningSent e) {
      pending.delayWarned(e.queueId()).ifPresent(m -> dsns.add(e.dsnId(), DsnKind.DELAYED, m,
          e.recipients(), Optional.of(e.retryUntil())));
    } else if (event instanceof DsnQueued e) {
      dsns.accepted(e.dsnId());
    } else if (event instanceof DeliveryHeld e) {
      hold = Optional.of(new OperatorHold(e.actor(), e.at()));
    } else if (event instanceof DeliveryReleased) {
      hold = Optional.empty();
    } else if (event instanceof RetryRequested e) {
      pending.dueBy(e.at());
    }
    return this;
  }

  private void failed(String queueId, List<String> rcpts, String host, RecordedReply reply,
      Instant at, String dsnId) {
    Optional<PendingMessage> m = pending.get(queueId);
    if (m.isEmpty()) {
      return;
    }
    if (!dsnId.isEmpty()) {
      Optional<String> remote = host.isEmpty() ? Optional.empty() : Optional.of(host);
      List<FailedRecipient> failed = rcpts.stream()
          .map(r -> new FailedRecipient(r, reply.code(), reply.enhanced(), reply.text(), remote, at))
          .toList();
      dsns.add(dsnId, DsnKind.FAILED, m.get(), failed, Optional.empty());
    }
    remove(queueId, rcpts);
  }

  private void remove(String queueId, List<String> rcpts) {
    if (pending.removeRecipients(queueId, rcpts)) {
      completed.add(queueId);
    }
  }
}

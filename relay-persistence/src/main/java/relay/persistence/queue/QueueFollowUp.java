package relay.persistence.queue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import relay.persistence.log.MessageEventLog;
import relay.persistence.queue.DeliveryQueue.Command;
import relay.persistence.queue.DeliveryQueue.DsnFailed;
import relay.persistence.queue.DeliveryQueue.DsnSubmitted;
import relay.persistence.queue.DeliveryQueue.RetryDsns;

/**
 * What follows a {@link DeliveryQueue}'s persisted outcomes, on the queue's thread: the event log
 * lines, the delay reports, the DSNs handed to the DSN port (each at most once at a time, retried every {@code
 * dsn-retry-interval} until accepted) and the release of finished messages' spool entries
 * (including, after recovery, those a crash kept from being released). Nothing here is
 * persisted; the queue persists {@code DsnQueued} when the port accepted a DSN.
 */
final class QueueFollowUp {

  private static final String DSN_TIMER = "dsn-retry";

  private final SubQueueId queue;
  private final QueueSettings settings;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final SpoolReleases spoolReleases;
  private final OutcomeLog outcomeLog;
  private final DsnSubmissions dsnSubmissions;
  private final ClientDelays clientDelays;
  private final java.time.Clock clock;

  QueueFollowUp(SubQueueId queue, QueueSettings settings, DeliveryPorts ports,
      MessageEventLog eventLog, ActorContext<Command> context, TimerScheduler<Command> timers) {
    this.queue = queue;
    this.settings = settings;
    this.context = context;
    this.timers = timers;
    Executor blocking = context.getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig(settings.deliveryDispatcher()));
    this.spoolReleases = new SpoolReleases(ports.spool(), queue.domain(), blocking,
        context.getSystem().log());
    this.outcomeLog = new OutcomeLog(eventLog, ports.history(), queue.domain(),
        ports.outcomes());
    this.dsnSubmissions = new DsnSubmissions(ports.dsn(), queue.domain());
    this.clientDelays = new ClientDelays(ports.delays(), queue.domain());
    this.clock = ports.clock();
  }

  /** After recovery: re-submits every pending DSN and releases leftovers of finished messages. */
  void recovered(QueueState state) {
    dsnSubmissions.clear();
    submitPendingDsns(state);
    releaseLeftovers(state);
  }

  /**
   * Releases spool entries of finished messages whose release a crash cut off: the newest
   * {@code snapshot-every} + {@link DeliveryQueue#LEFTOVER_MARGIN} remembered completions.
   */
  private void releaseLeftovers(QueueState state) {
    List<String> candidates = state.newestCompleted(settings.snapshotEvery()
        + DeliveryQueue.LEFTOVER_MARGIN).stream().filter(state::finished).toList();
    if (!candidates.isEmpty()) {
      spoolReleases.releaseLeftovers(candidates, queue);
    }
  }

  /**
   * A client's retry of a message this queue already took (retry queue id to original): it is
   * acknowledged without being queued, so the retry's spool reference for this domain goes.
   */
  void releaseRetries(Map<String, String> retries) {
    retries.forEach((retry, original) -> {
      context.getSystem().log().info("{} @ {}: duplicate of {}, not queued again", retry, queue,
          original);
      spoolReleases.release(retry);
    });
  }

  /**
   * {@code write} is persisted: its log lines, its clients' delays ({@link ClientDelays}), its
   * new DSNs, the release of what finished.
   */
  void persisted(QueueState state, OutcomeWrite write) {
    write.events().forEach(e -> outcomeLog.persisted(e, write.before(), write::tlsOf));
    clientDelays.persisted(write.events(), state, clock.instant());
    for (String dsnId : write.newDsnIds()) {
      state.pendingDsn(dsnId).ifPresent(this::submitDsn);
    }
    for (String queueId : write.done()) {
      releaseIfFinished(state, queueId);
    }
  }

  void releaseIfFinished(QueueState state, String queueId) {
    if (state.finished(queueId)) {
      spoolReleases.release(queueId);
    }
  }

  void submitPendingDsns(QueueState state) {
    for (PendingDsn d : List.copyOf(state.pendingDsns())) {
      submitDsn(d);
    }
  }

  private void submitDsn(PendingDsn dsn) {
    String id = dsn.dsnId();
    dsnSubmissions.submit(dsn).ifPresent(submitted -> context.pipeToSelf(submitted, (ok, err) ->
        err == null ? new DsnSubmitted(id) : new DsnFailed(id, err.toString())));
  }

  /** The port accepted a DSN: the pending DSN to mark queued, empty if it is no longer pending. */
  Optional<PendingDsn> submitted(QueueState state, DsnSubmitted cmd) {
    dsnSubmissions.ended(cmd.dsnId());
    return state.pendingDsn(cmd.dsnId());
  }

  /** The port refused a DSN: every pending DSN is submitted again after dsn-retry-interval. */
  void failed(DsnFailed cmd) {
    dsnSubmissions.ended(cmd.dsnId());
    context.getLog().warn("DSN {} for {} not accepted, retrying in {}: {}", cmd.dsnId(), queue,
        settings.dsnRetryInterval(), cmd.reason());
    if (!timers.isTimerActive(DSN_TIMER)) {
      timers.startSingleTimer(DSN_TIMER, new RetryDsns(), settings.dsnRetryInterval());
    }
  }
}

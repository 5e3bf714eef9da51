package relay.persistence.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import relay.protocol.reply.DeliveryReplies;
import relay.persistence.queue.DeliveryQueue.CloseIdleConnections;
import relay.persistence.queue.DeliveryQueue.Command;
import relay.persistence.queue.DeliveryQueue.Flush;
import relay.persistence.queue.DeliveryQueue.Wake;
import relay.persistence.queue.DeliveryQueue.WorkerFinished;
import relay.persistence.queue.DeliveryQueue.WorkerStopped;

/**
 * The delivery side of one {@link DeliveryQueue}, run on the queue's thread: its {@link
 * DeliveryWorker} children (at most {@code max-connections}, each holding one connection, parked
 * for {@code connection-linger} when out of work; one that finished a message takes the next due
 * one while it may reuse its connection, {@code messages-per-connection}), the {@code
 * messages-per-minute} token bucket,
 * the {@link DestinationSuspension} of an unreachable destination, and the attempt outcomes
 * waiting for the queue's next journal write. Nothing here is persisted; the queue resets it on
 * every recovery.
 */
final class QueueDeliveries {

  static final String WAKE_TIMER = "wake";
  static final String LINGER_TIMER = "connection-linger";
  static final String FLUSH_TIMER = "flush-outcomes";
  static final RecordedReply WORKER_LOST = RecordedReply.of(DeliveryReplies.workerLost());

  private final SubQueueId queue;
  private final QueueSettings settings;
  private final ShapingSettings shaping;
  private final DeliveryPorts ports;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final DispatcherSelector workerDispatcher;

  private final WorkerPool<ActorRef<DeliveryWorker.Command>> workers = new WorkerPool<>();
  private final UnflushedOutcomes unflushed = new UnflushedOutcomes();
  private final DestinationSuspension suspension = new DestinationSuspension();
  private TokenBucket rate;
  private boolean flushScheduled;
  /** Passivating or stopping: nothing more is handed out, idle connections close at once. */
  private boolean stopped;

  QueueDeliveries(SubQueueId queue, QueueSettings settings, DeliveryPorts ports,
      ActorContext<Command> context, TimerScheduler<Command> timers) {
    this.queue = queue;
    this.settings = settings;
    this.shaping = settings.shapingFor(queue);
    this.ports = ports;
    this.context = context;
    this.timers = timers;
    this.workerDispatcher = DispatcherSelector.fromConfig(settings.deliveryDispatcher());
    this.rate = new TokenBucket(shaping.messagesPerMinute(), ports.clock().instant());
  }

  /** After recovery: no worker, nothing in flight or unflushed, a full token bucket. */
  void reset() {
    workers.clear();
    unflushed.clear();
    flushScheduled = false;
    stopped = false;
    rate = new TokenBucket(shaping.messagesPerMinute(), ports.clock().instant());
  }

  /** Hands out nothing more; parked workers close now, busy ones when they report. */
  void stop() {
    stopped = true;
    timers.cancel(WAKE_TIMER);
    workers.parkedWorkers().forEach(this::close);
  }

  WorkerPool<ActorRef<DeliveryWorker.Command>> workers() {
    return workers;
  }

  UnflushedOutcomes unflushed() {
    return unflushed;
  }

  /**
   * Asks the queue for a write of the unflushed outcomes: after {@code outcome-flush-delay}, so
   * that one write carries many under load, or at once when that is 0, when a full batch
   * ({@code max-outcomes-per-write}) waits, or when {@code atOnce} (the queue is stopping).
   */
  void scheduleFlush(boolean atOnce) {
    boolean full = unflushed.size() >= settings.maxOutcomesPerWrite();
    if (flushScheduled) {
      if (full) {
        timers.cancel(FLUSH_TIMER);
        context.getSelf().tell(new Flush());
      }
      return;
    }
    flushScheduled = true;
    Duration delay = settings.outcomeFlushDelay();
    if (delay.isZero() || atOnce || full) {
      context.getSelf().tell(new Flush());
    } else {
      timers.startSingleTimer(FLUSH_TIMER, new Flush(), delay);
    }
  }

  /** The write asked for starts: the outcomes it carries. */
  List<AttemptOutcome> nextWrite() {
    flushScheduled = false;
    return unflushed.nextBatch(settings.maxOutcomesPerWrite());
  }

  /** No worker, nothing in flight, nothing waiting to be written. */
  boolean idle() {
    return workers.isEmpty() && unflushed.isEmpty() && workers.inFlight().isEmpty();
  }

  /**
   * A worker reported an attempt: its outcome waits for the next write; an unreachable
   * destination suspends delivery; the worker takes the next due message if its connection may
   * go on, else parks. False (and nothing changes) if the worker is not working on that message.
   */
  boolean finished(QueueState state, WorkerFinished report) {
    if (!workers.isWorkingOn(report.worker(), report.outcome().queueId())) {
      return false;
    }
    workers.idle(report.worker());
    unflushed.add(report.outcome());
    if (report.destinationUnreachable() && !stopped) {
      suspension.unreachable(now(), settings.retry());
      deferDueMessages(state, report.outcome());
    } else if (!report.destinationUnreachable()) {
      suspension.reachable();
    }
    if (report.canContinue()) {
      Instant now = now();
      Optional<PendingMessage> next = stopped || state.held() ? Optional.empty()
          : state.firstDue(now, workers.inFlight());
      if (next.isPresent() && rate.tryAcquire(now)) {
        assign(report.worker(), next.get().job());
      } else if (next.isPresent()) {
        workers.park(report.worker());
        timers.startSingleTimer(WAKE_TIMER, new Wake(), rate.untilNextToken(now));
      } else {
        workers.park(report.worker());
        lingerOrClose();
      }
    }
    return true;
  }

  /**
   * A worker stopped; true if it stopped during an attempt, whose message then gets a
   * transient failure ({@link #WORKER_LOST}) in the next write.
   */
  boolean stopped(QueueState state, WorkerStopped stop) {
    Optional<String> job = workers.stopped(stop.worker());
    job.flatMap(state::message).ifPresent(m ->
        unflushed.add(AttemptOutcome.all(m.queueId(), "", m.recipients(), WORKER_LOST)));
    return job.isPresent();
  }

  /**
   * Hands due messages to parked workers, then to new workers up to max-connections, within the
   * rate limit; closes parked workers left without work; sets the wake-up timer.
   */
  void dispatch(QueueState state) {
    if (stopped) {
      return;
    }
    if (state.held()) { // an operator's hold: nothing until released (no timer needed)
      timers.cancel(WAKE_TIMER);
      lingerOrClose();
      return;
    }
    Instant now = now();
    Optional<Duration> suspended = suspension.waitFrom(now);
    if (suspended.isPresent()) {
      timers.startSingleTimer(WAKE_TIMER, new Wake(), suspended.get());
      lingerOrClose();
      return;
    }
    int connections = suspension.connections(shaping.maxConnections());
    while (workers.hasParked() || workers.size() < connections) {
      Optional<PendingMessage> next = state.firstDue(now, workers.inFlight());
      if (next.isEmpty()) {
        break;
      }
      if (!rate.tryAcquire(now)) {
        timers.startSingleTimer(WAKE_TIMER, new Wake(), rate.untilNextToken(now));
        return;
      }
      ActorRef<DeliveryWorker.Command> worker = workers.unpark();
      if (worker != null) {
        assign(worker, next.get().job());
      } else {
        spawn(next.get().job());
      }
    }
    lingerOrClose();
    Optional<Instant> nextDue = state.nextDueAt(workers.inFlight());
    if (nextDue.isPresent() && nextDue.get().isAfter(now)) {
      timers.startSingleTimer(WAKE_TIMER, new Wake(), Duration.between(now, nextDue.get()));
    }
  }

  /** The operator asked to retry now: a pause of an unreachable destination ends. */
  void retryNow() {
    suspension.reachable();
  }

  /** Closes every parked worker's connection (connection-linger is over). */
  void closeParked() {
    while (workers.hasParked()) {
      close(workers.unpark());
    }
  }

  /**
   * "Delivery temporarily suspended": no mail exchanger answered, so every other message due now
   * is deferred with the same reply instead of each opening a connection that would fail the
   * same way (with a black-holed host, each would wait the whole connect timeout). Each deferral
   * counts as an attempt, so the retry schedule and expiry run as if they had been tried.
   */
  private void deferDueMessages(QueueState state, AttemptOutcome failed) {
    if (failed.replies().isEmpty()) {
      return;
    }
    RecordedReply reply = failed.replies().get(0).reply();
    Instant now = now();
    int deferred = 0;
    Optional<PendingMessage> next;
    while ((next = state.firstDue(now, workers.inFlight())).isPresent()) {
      PendingMessage m = next.get();
      workers.holdInFlight(m.queueId()); // until the deferral is persisted
      unflushed.add(AttemptOutcome.all(m.queueId(), "", m.recipients(), reply));
      deferred++;
    }
    if (deferred > 0) {
      context.getLog().info("delivery to {} temporarily suspended ({}): {} due messages deferred",
          queue, reply.text(), deferred);
    }
  }

  private void spawn(DeliveryJob job) {
    ActorRef<DeliveryWorker.Command> worker = context.spawnAnonymous(
        DeliveryWorker.create(queue.domain(), shaping, ports.transport(), ports.spool(),
            context.getSelf(), job),
        workerDispatcher);
    context.watchWith(worker, new WorkerStopped(worker));
    workers.assign(worker, job.queueId());
  }

  private void assign(ActorRef<DeliveryWorker.Command> worker, DeliveryJob job) {
    workers.assign(worker, job.queueId());
    worker.tell(new DeliveryWorker.Deliver(job));
  }

  /** Keeps parked workers' connections open for connection-linger, waiting for new work. */
  private void lingerOrClose() {
    if (!workers.hasParked()) {
      return;
    }
    if (stopped || settings.connectionLinger().isZero()) {
      closeParked();
    } else {
      timers.startSingleTimer(LINGER_TIMER, new CloseIdleConnections(), settings.connectionLinger());
    }
  }

  private void close(ActorRef<DeliveryWorker.Command> worker) {
    workers.idle(worker);
    worker.tell(new DeliveryWorker.Close());
  }

  private Instant now() {
    return ports.clock().instant();
  }
}

package relay.persistence.queue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import relay.persistence.CborSerializable;
import relay.persistence.spool.NoSuchSpoolEntryException;
import relay.persistence.spool.Spool;
import relay.protocol.client.Deadline;
import relay.protocol.reply.DeliveryReplies;
import relay.protocol.reply.SmtpReply;

/**
 * One outbound connection of a {@link DeliveryQueue}: a child actor on the blocking delivery
 * dispatcher that connects through the {@link DeliveryTransport}, sends the messages the queue
 * hands it (splitting recipients into transactions of at most {@code recipients-per-transaction},
 * RSET between transactions, RFC 5321 §4.1.1.5), and reports one {@link AttemptOutcome} per
 * message. After at most {@code messages-per-connection} messages, or when the connection is no
 * longer usable, it closes the connection and stops; otherwise it waits for the queue's next job
 * or {@link Close}.
 *
 * <p>Each message is one attempt with one deadline ({@link DeliveryTransport#attemptTimeout()},
 * started when the worker takes the message): the connect, if one is needed, and every
 * transaction and RSET of the message end by it, so a hostile server holds this worker's thread
 * for a bounded time.
 *
 * <p>The worker tells its queue when the destination itself failed, not just the message
 * ({@code destinationUnreachable}, which suspends the destination to one probe connection): when
 * no mail exchanger could be connected to (a transient connect failure: refused, timed out,
 * 4xx greeting), and when a transaction failed because the server did not answer in time before
 * it had completed any transaction on that connection (the transport decides, {@link
 * DeliveryFailure#destinationDegraded()}): a server that drips or stalls is as useless as one
 * that does not answer, and the threads it would hold are the ones healthy destinations need.
 *
 * <p>Every failure becomes replies, never an exception out of the actor: a transport failure gives
 * its reply to the recipients concerned; recipients never tried because the connection broke get
 * a transient reply; a body missing from the spool bounces (554 5.3.0, it cannot come back); any
 * other spool error defers (451 4.3.0). The replies made up here come from {@link DeliveryReplies}.
 */
final class DeliveryWorker extends AbstractBehavior<DeliveryWorker.Command> {

  sealed interface Command extends CborSerializable permits Deliver, Close {}

  /** Attempt this message now, on the open connection if it is still usable. */
  record Deliver(DeliveryJob job) implements Command {}

  /** No more work: close the connection and stop. */
  record Close() implements Command {}

  static final RecordedReply CONNECTION_LOST = RecordedReply.of(DeliveryReplies.connectionLostBeforeTransaction());
  static final RecordedReply SPOOL_LOST = RecordedReply.of(DeliveryReplies.spoolLost());
  static final RecordedReply SPOOL_FAILED = RecordedReply.of(DeliveryReplies.spoolUnreadable());
  static final RecordedReply INTERNAL = RecordedReply.of(DeliveryReplies.internalError());

  static Behavior<Command> create(String domain, ShapingSettings shaping,
      DeliveryTransport transport, Spool spool, ActorRef<DeliveryQueue.Command> queue,
      DeliveryJob first) {
    return Behaviors.setup(ctx -> {
      ctx.getSelf().tell(new Deliver(first));
      return new DeliveryWorker(ctx, domain, shaping, transport, spool, queue);
    });
  }

  /**
   * The last attempt found the destination unreachable or too slow (see the class comment): the
   * queue holds it back to one probe connection.
   */
  private boolean unreachable;
  private final String domain;
  private final ShapingSettings shaping;
  private final DeliveryTransport transport;
  private final Spool spool;
  private final ActorRef<DeliveryQueue.Command> queue;
  private DeliveryConnection connection;
  private int messagesOnConnection;
  private int transactionsOnConnection;

  private DeliveryWorker(ActorContext<Command> context, String domain, ShapingSettings shaping,
      DeliveryTransport transport, Spool spool, ActorRef<DeliveryQueue.Command> queue) {
    super(context);
    this.domain = domain;
    this.shaping = shaping;
    this.transport = transport;
    this.spool = spool;
    this.queue = queue;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(Close.class, c -> Behaviors.stopped())
        .onSignal(PostStop.class, s -> {
          closeConnection();
          return this;
        })
        .build();
  }

  private Behavior<Command> onDeliver(Deliver cmd) {
    DeliveryJob job = cmd.job();
    unreachable = false;
    AttemptOutcome outcome;
    try {
      outcome = attempt(job);
    } catch (RuntimeException e) {
      getContext().getLog().warn("delivery of {} to {} failed unexpectedly", job.queueId(), domain, e);
      closeConnection();
      outcome = AttemptOutcome.all(job.queueId(), "", job.recipients(), INTERNAL);
    }
    boolean canContinue = connection != null && connection.isUsable()
        && messagesOnConnection < shaping.messagesPerConnection();
    queue.tell(new DeliveryQueue.WorkerFinished(getContext().getSelf(), outcome, canContinue,
        unreachable));
    return canContinue ? this : Behaviors.stopped();
  }

  private AttemptOutcome attempt(DeliveryJob job) {
    Deadline deadline = Deadline.after(transport.attemptTimeout());
    if (connection != null && !connection.isUsable()) {
      closeConnection();
    }
    if (connection == null) {
      try {
        connection = transport.connect(domain, shaping.tls(), deadline);
        messagesOnConnection = 0;
        transactionsOnConnection = 0;
      } catch (DeliveryFailure f) {
        unreachable = f.reply().isTransient();
        return AttemptOutcome.all(job.queueId(), "", job.recipients(), RecordedReply.of(f.reply()));
      }
    }
    String host = connection.remoteHost();
    messagesOnConnection++;
    Map<String, RecordedReply> replies = new HashMap<>();
    List<String> all = job.recipients();
    int size = shaping.recipientsPerTransaction();
    for (int from = 0; from < all.size(); from += size) {
      List<String> slice = all.subList(from, Math.min(all.size(), from + size));
      List<String> rest = all.subList(from, all.size());
      if (!connection.isUsable()) {
        rest.forEach(r -> replies.put(r, CONNECTION_LOST));
        break;
      }
      if (transactionsOnConnection > 0) {
        try {
          connection.reset(deadline);
        } catch (DeliveryFailure f) {
          unreachable |= f.destinationDegraded();
          RecordedReply reply = transientOf(f.reply());
          rest.forEach(r -> replies.put(r, reply));
          break;
        }
      }
      transactionsOnConnection++;
      try (InputStream body = spool.open(job.queueId(), domain)) {
        List<RecipientResult> results = connection.deliver(job.request(slice), body, deadline);
        for (RecipientResult r : results) {
          replies.putIfAbsent(r.recipient(), RecordedReply.of(r.reply()));
        }
      } catch (NoSuchSpoolEntryException e) {
        rest.forEach(r -> replies.put(r, SPOOL_LOST));
        break;
      } catch (IOException e) {
        rest.forEach(r -> replies.put(r, SPOOL_FAILED));
        break;
      } catch (DeliveryFailure f) {
        unreachable |= f.destinationDegraded();
        RecordedReply reply = RecordedReply.of(f.reply());
        slice.forEach(r -> replies.put(r, reply));
      }
    }
    List<AttemptOutcome.RecipientReply> out = new ArrayList<>(all.size());
    for (String r : all) {
      out.add(new AttemptOutcome.RecipientReply(r,
          replies.getOrDefault(r, AttemptPlanner.NO_RESULT)));
    }
    return new AttemptOutcome(job.queueId(), host, out, connection.tls());
  }

  /** A reply for recipients that were not tried: the failure if transient, else a generic 451. */
  private static RecordedReply transientOf(SmtpReply reply) {
    return reply.isTransient() ? RecordedReply.of(reply) : CONNECTION_LOST;
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (RuntimeException e) {
        getContext().getLog().debug("closing connection to {} failed: {}", domain, e.toString());
      }
      connection = null;
    }
  }
}

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
 * <p>Every failure becomes replies, never an exception out of the actor: a transport failure gives
 * its reply to the recipients concerned; recipients never tried because the connection broke get
 * a transient reply; a body missing from the spool bounces (554 5.3.0, it cannot come back); any
 * other spool error defers (451 4.3.0).
 */
final class DeliveryWorker extends AbstractBehavior<DeliveryWorker.Command> {

  sealed interface Command extends CborSerializable permits Deliver, Close {}

  /** Attempt this message now, on the open connection if it is still usable. */
  record Deliver(DeliveryJob job) implements Command {}

  /** No more work: close the connection and stop. */
  record Close() implements Command {}

  static final RecordedReply CONNECTION_LOST =
      new RecordedReply(451, "4.4.2", "Connection lost before this transaction");
  static final RecordedReply SPOOL_LOST =
      new RecordedReply(554, "5.3.0", "Message body lost from the relay's spool");
  static final RecordedReply SPOOL_FAILED =
      new RecordedReply(451, "4.3.0", "Message body temporarily unreadable");
  static final RecordedReply INTERNAL =
      new RecordedReply(451, "4.3.0", "Internal error during delivery");

  static Behavior<Command> create(String domain, ShapingSettings shaping,
      DeliveryTransport transport, Spool spool, ActorRef<DeliveryQueue.Command> queue,
      DeliveryJob first) {
    return Behaviors.setup(ctx -> {
      ctx.getSelf().tell(new Deliver(first));
      return new DeliveryWorker(ctx, domain, shaping, transport, spool, queue);
    });
  }

  /** The last attempt found no mail exchanger reachable (a transient connect failure). */
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
    if (connection != null && !connection.isUsable()) {
      closeConnection();
    }
    if (connection == null) {
      try {
        connection = transport.connect(domain);
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
          connection.reset();
        } catch (DeliveryFailure f) {
          RecordedReply reply = transientOf(f.reply());
          rest.forEach(r -> replies.put(r, reply));
          break;
        }
      }
      transactionsOnConnection++;
      try (InputStream body = spool.open(job.queueId(), domain)) {
        List<RecipientResult> results = connection.deliver(job.request(slice), body);
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
        RecordedReply reply = RecordedReply.of(f.reply());
        slice.forEach(r -> replies.put(r, reply));
      }
    }
    List<AttemptOutcome.RecipientReply> out = new ArrayList<>(all.size());
    for (String r : all) {
      out.add(new AttemptOutcome.RecipientReply(r,
          replies.getOrDefault(r, AttemptPlanner.NO_RESULT)));
    }
    return new AttemptOutcome(job.queueId(), host, out);
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

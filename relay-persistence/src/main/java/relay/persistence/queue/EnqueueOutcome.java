package relay.persistence.queue;

import relay.persistence.CborSerializable;

/**
 * What became of an enqueue, as a value: the queue's reply to {@link DeliveryQueue.Enqueue} and
 * the result of {@link QueueGateway#enqueue}. The three kinds are what the client must be told:
 *
 * <ul>
 *   <li>{@link Accepted}: persisted (or already held); it will be delivered.
 *   <li>{@link Refused}: certainly not persisted by this enqueue; the client may be given a
 *       transient refusal and its spool reference released.
 *   <li>{@link Unknown}: no answer within the gateway's accept deadline; it may have been
 *       persisted, so the client must not be told it was refused, and its body must stay.
 * </ul>
 */
public sealed interface EnqueueOutcome extends CborSerializable
    permits EnqueueOutcome.Accepted, EnqueueOutcome.Refused, EnqueueOutcome.Unknown {

  /** Persisted by the queue, now or by an earlier attempt (a queue id is never queued twice). */
  enum Accepted implements EnqueueOutcome {
    ACCEPTED
  }

  /** Nothing of the enqueue was persisted; {@code detail} is for the log, never the client. */
  sealed interface Refused extends EnqueueOutcome
      permits QueueFull, BacklogFull, Invalid {
    String detail();
  }

  /** The queue holds its {@code max-pending-messages}. */
  record QueueFull(String detail) implements Refused {}

  /** Too many enqueues already wait for this queue on this node (the gateway's backlog). */
  record BacklogFull(String detail) implements Refused {}

  /** Empty, a bad queue id or domain: a bug in the caller. */
  record Invalid(String detail) implements Refused {}

  /** No answer from the queue within the accept deadline: it may or may not hold the message. */
  record Unknown(String detail) implements EnqueueOutcome {}
}

package relay.node.smtp;

import relay.persistence.queue.EnqueueOutcome;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;

/**
 * What a client is told when a destination's queue refused its message: nothing of it was queued
 * there, so a transient reply is true and the client will send it again.
 */
final class EnqueueReplies {

  private EnqueueReplies() {}

  static SmtpReply forRefusal(EnqueueOutcome.Refused refused) {
    if (refused instanceof EnqueueOutcome.QueueFull) {
      return Replies.QUEUE_FULL; // 452 4.3.1
    }
    if (refused instanceof EnqueueOutcome.BacklogFull) {
      return Replies.QUEUE_BUSY; // 451 4.3.1
    }
    return Replies.LOCAL_ERROR; // Invalid: 451 4.3.0, a bug of ours, never the client's
  }
}

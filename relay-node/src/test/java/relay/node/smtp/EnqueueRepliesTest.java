package relay.node.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import relay.persistence.queue.EnqueueOutcome;
import relay.protocol.reply.SmtpReply;

/** Every kind of refusal has its transient reply: the client keeps the message and retries. */
class EnqueueRepliesTest {

  static final List<EnqueueOutcome.Refused> EVERY_REFUSAL = List.of(
      new EnqueueOutcome.QueueFull("q"), new EnqueueOutcome.BacklogFull("b"),
      new EnqueueOutcome.Invalid("i"));

  @Test
  void everyRefusalIsCoveredAndTransient() {
    Set<Class<?>> permitted = Set.of(EnqueueOutcome.Refused.class.getPermittedSubclasses());
    assertEquals(permitted, EVERY_REFUSAL.stream().map(Object::getClass)
        .collect(Collectors.toSet()), "a new kind of refusal needs its reply here");
    for (EnqueueOutcome.Refused refused : EVERY_REFUSAL) {
      SmtpReply reply = EnqueueReplies.forRefusal(refused);
      assertTrue(reply.code() / 100 == 4, refused + " -> " + reply.summary());
    }
  }

  @Test
  void aFullQueueIs452AndABusyGateway451() {
    assertEquals("452 4.3.1", prefix(new EnqueueOutcome.QueueFull("q")));
    assertEquals("451 4.3.1", prefix(new EnqueueOutcome.BacklogFull("b")));
    assertEquals("451 4.3.0", prefix(new EnqueueOutcome.Invalid("i")));
  }

  private static String prefix(EnqueueOutcome.Refused refused) {
    return EnqueueReplies.forRefusal(refused).summary().substring(0, 9);
  }
}

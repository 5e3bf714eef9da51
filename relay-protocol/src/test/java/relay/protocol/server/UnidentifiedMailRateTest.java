package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import relay.protocol.address.Mailbox;

/** The hourly postmaster allowance of an unidentified address. */
class UnidentifiedMailRateTest {

  private static final long MINUTE = 60_000_000_000L;
  private final AtomicLong now = new AtomicLong(1_000 * MINUTE);
  private final InMemoryMessageSink inner = new InMemoryMessageSink();
  private final UnidentifiedMailRate rate = new UnidentifiedMailRate(inner, 6, now::get);

  @Test
  void anAddressSendsItsAllowanceThenWaitsForTheBucketToRefill() {
    for (int i = 0; i < 6; i++) {
      assertTrue(rate.tryTake("198.51.100.1"), "message " + i);
    }
    assertFalse(rate.tryTake("198.51.100.1"));
    assertTrue(rate.tryTake("198.51.100.2"), "each address has its own bucket");
    now.addAndGet(9 * MINUTE);
    assertFalse(rate.tryTake("198.51.100.1"), "6 per hour: one every 10 minutes");
    now.addAndGet(MINUTE);
    assertTrue(rate.tryTake("198.51.100.1"));
    assertFalse(rate.tryTake("198.51.100.1"));
  }

  @Test
  void aMessageBeyondTheAllowanceIsRefusedWith450AndNothingIsKept() throws Exception {
    for (int i = 0; i < 6; i++) {
      rate.tryTake("198.51.100.1");
    }
    MessageWriter writer = rate.begin();
    CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(
        CompletionException.class, () -> writer.commit(envelope(
            ClientIdentity.anonymous("198.51.100.1"), writer.queueId())).toCompletableFuture()
            .join());
    assertEquals("450 4.7.1 Too much mail to postmaster from your address, try again later",
        MessageRefusedException.replyFor(e).summary());
    assertEquals(List.of(), inner.committed);
    assertEquals(1, inner.aborted.get());
  }

  @Test
  void registeredClientsAreNotCounted() throws Exception {
    for (int i = 0; i < 20; i++) {
      MessageWriter writer = rate.begin();
      writer.commit(envelope(ClientIdentity.registered("198.51.100.1", "app"), writer.queueId()))
          .toCompletableFuture().join();
    }
    assertEquals(20, inner.committed.size());
    assertTrue(rate.tryTake("198.51.100.1"));
  }

  @Test
  void anAllowanceOfZeroTakesNothing() {
    assertFalse(new UnidentifiedMailRate(inner, 0, now::get).tryTake("198.51.100.1"));
  }

  private static Envelope envelope(ClientIdentity client, String queueId) {
    return new Envelope(queueId, Optional.empty(),
        List.of(new Mailbox("hostmaster", "relay.example")), "client.example", client, "ESMTP",
        Instant.EPOCH, 10, false, false);
  }
}

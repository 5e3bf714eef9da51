package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Admission over real sockets: a client at its session limit gets 421 4.4.5 instead of the
 * greeting and is closed, a policy that fails gives 421 4.3.0, and the slot of an admitted
 * connection is released exactly once however the connection ends.
 */
class SessionSlotOverSocketTest {

  static ActorSystem system;

  @BeforeAll
  static void startSystem() {
    system = TestServer.newSystem("session-slots");
  }

  @AfterAll
  static void stopSystem() throws Exception {
    TestServer.stopSystem(system);
  }

  /**
   * A policy with an in-memory limit of {@code max} concurrent sessions for every connection; it
   * records every release and every second release of the same slot.
   */
  static final class CountingPolicy implements ClientPolicy {
    final int max;
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger doubleReleases = new AtomicInteger();
    final LinkedBlockingQueue<Integer> released = new LinkedBlockingQueue<>();
    private final AtomicInteger ids = new AtomicInteger();

    CountingPolicy(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<Admission> identify(InetSocketAddress remote, InetSocketAddress local) {
      ClientIdentity client = ClientIdentity.registered(remote.getAddress().getHostAddress(), "c");
      if (open.incrementAndGet() > max) {
        open.decrementAndGet();
        return CompletableFuture.completedFuture(new Admission.Refused(client,
            Admission.Refusal.TOO_MANY_SESSIONS));
      }
      int id = ids.incrementAndGet();
      AtomicInteger calls = new AtomicInteger();
      return CompletableFuture.completedFuture(new Admission.Admitted(client, () -> {
        if (calls.incrementAndGet() == 1) {
          open.decrementAndGet();
          released.add(id);
        } else {
          doubleReleases.incrementAndGet();
        }
      }));
    }

    void awaitRelease() throws InterruptedException {
      assertTrue(released.poll(10, TimeUnit.SECONDS) != null, "a slot was released");
    }
  }

  @Test
  void theConnectionOverTheLimitIsRefusedAndAQuitFreesItsSlot() throws Exception {
    CountingPolicy policy = new CountingPolicy(1);
    try (TestServer server = TestServer.start(system, TestSettings.defaults(), policy)) {
      SmtpTestClient first = SmtpTestClient.connect(server.port());
      try (SmtpTestClient second = SmtpTestClient.open(server.port())) {
        assertEquals("421 4.4.5 relay.example Too many concurrent sessions for this client, closing",
            second.reply());
        assertTrue(second.closedByServer());
      }
      assertEquals("221 2.0.0 Bye", first.command("QUIT"));
      first.close();
      policy.awaitRelease();
      try (SmtpTestClient third = SmtpTestClient.connect(server.port())) {
        assertEquals("250 2.0.0 Ok", third.command("NOOP"));
      }
      policy.awaitRelease();
      assertEquals(0, policy.open.get());
      assertEquals(0, policy.doubleReleases.get());
    }
  }

  @Test
  void aPeerResetAnIdleTimeoutAndAShutdownEachReleaseTheSlot() throws Exception {
    CountingPolicy policy = new CountingPolicy(3);
    SmtpServerSettings settings = TestSettings.with(Map.of("command-timeout", "1s"));
    try (TestServer server = TestServer.start(system, settings, policy)) {
      SmtpTestClient reset = SmtpTestClient.connect(server.port());
      reset.close(); // no QUIT
      policy.awaitRelease();

      try (SmtpTestClient idle = SmtpTestClient.connect(server.port())) {
        assertEquals("421 4.4.2 relay.example Idle timeout, closing", idle.reply());
      }
      policy.awaitRelease();
    }
    settings = TestSettings.defaults();
    try (TestServer server = TestServer.start(system, settings, policy);
        SmtpTestClient open = SmtpTestClient.connect(server.port())) {
      server.control.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals("421 4.3.2 relay.example Service shutting down", open.reply());
      policy.awaitRelease();
    }
    assertEquals(0, policy.open.get());
    assertEquals(0, policy.doubleReleases.get());
  }

  @Test
  void aPolicyThatFailsGivesATemporaryRefusal() throws Exception {
    ClientPolicy failing = (remote, local) ->
        CompletableFuture.failedFuture(new IllegalStateException("no answer in time"));
    try (TestServer server = TestServer.start(system, TestSettings.defaults(), failing);
        SmtpTestClient c = SmtpTestClient.open(server.port())) {
      assertEquals("421 4.3.0 relay.example Service temporarily unavailable, closing", c.reply());
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void aSlotGrantedAfterThePeerLeftIsReleasedAtOnce() throws Exception {
    CountingPolicy counting = new CountingPolicy(1);
    CompletableFuture<Void> verdict = new CompletableFuture<>();
    AtomicInteger asked = new AtomicInteger();
    ClientPolicy slow = (remote, local) -> {
      asked.incrementAndGet();
      return verdict.thenCompose(v -> counting.identify(remote, local));
    };
    try (TestServer server = TestServer.start(system, TestSettings.defaults(), slow)) {
      SmtpTestClient gone = SmtpTestClient.open(server.port());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (asked.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      gone.close();
      Thread.sleep(200); // the stage sees the reset and stops before the verdict
      verdict.complete(null);
      counting.awaitRelease();
      assertEquals(0, counting.open.get());
      assertEquals(0, counting.doubleReleases.get());
    }
  }
}

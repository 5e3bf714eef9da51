package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import relay.protocol.client.TlsPolicy;

class QueueSettingsTest {

  @Test
  void referenceDefaults() {
    QueueSettings s = TestQueues.settings("");
    assertEquals(new ShapingSettings(10, 100, 100, 0, 1), s.defaultShaping());
    assertEquals(new RetrySchedule(Duration.ofMinutes(5), 2.0, Duration.ofHours(1)), s.retry());
    assertEquals(Duration.ofDays(5), s.maxLifetime());
    assertEquals(Duration.ofHours(4), s.delayWarning());
    assertEquals("relay.delivery-dispatcher", s.deliveryDispatcher());
    assertEquals(1000, s.snapshotEvery());
    assertEquals(new GatewaySettings(200, 5000, Duration.ofSeconds(4),
        Duration.ofSeconds(30)), s.gateway());
  }

  @Test
  void domainOverridesFallBackToTheDefaultPerKey() {
    QueueSettings s = TestQueues.settings(
        "relay.queue.shaping.domains { \"Example.COM\" { max-connections = 2 } }");
    assertEquals(new ShapingSettings(2, 100, 100, 0), s.shapingFor("example.com"));
    assertEquals(new ShapingSettings(2, 100, 100, 0), s.shapingFor("EXAMPLE.com"));
    assertEquals(s.defaultShaping(), s.shapingFor("other.example"));
  }

  @Test
  void subQueuesDivideConnectionsAndRateAndKeepThePerConnectionLimits() {
    QueueSettings s = TestQueues.settings("relay.queue.shaping.domains { \"hot.example\" {"
        + " max-connections = 10, messages-per-minute = 100, messages-per-connection = 7,"
        + " recipients-per-transaction = 9, sub-queues = 3 } }");
    assertEquals(new ShapingSettings(10, 7, 9, 100, 3), s.shapingFor("hot.example"));
    SubQueueId first = new SubQueueId("hot.example", 0);
    assertEquals(new ShapingSettings(4, 7, 9, 34, 1), s.shapingFor(first));
    assertEquals(new ShapingSettings(3, 7, 9, 33, 1), s.shapingFor(SubQueueId.parse("hot.example#1")));
    assertEquals(new ShapingSettings(3, 7, 9, 33, 1), s.shapingFor(SubQueueId.parse("hot.example#2")));
    for (int n = 1; n <= 10; n++) {
      ShapingSettings domain = new ShapingSettings(10, 100, 100, 25, n);
      int connections = 0;
      int rate = 0;
      for (int i = 0; i < n; i++) {
        connections += domain.forSubQueue(i).maxConnections();
        rate += domain.forSubQueue(i).messagesPerMinute();
      }
      assertEquals(10, connections, "connections over " + n + " sub-queues");
      assertEquals(25, rate, "rate over " + n + " sub-queues");
    }
    ShapingSettings unlimited = new ShapingSettings(3, 100, 100, 0, 3);
    assertEquals(new ShapingSettings(1, 100, 100, 0, 1), unlimited.forSubQueue(2));
  }

  @Test
  void oneSubQueueIsTheDomainsShapingItselfAndOthersDomainsAreUntouched() {
    QueueSettings s = TestQueues.settings(
        "relay.queue.shaping.domains { \"hot.example\" { max-connections = 6, sub-queues = 2 } }");
    assertEquals(s.defaultShaping(), s.shapingFor(SubQueueId.whole("other.example")));
    assertEquals(1, s.defaultShaping().subQueues());
    assertEquals(SubQueueId.whole("other.example"),
        s.subQueueFor("Other.Example", "01JD5X7Q00000001"));
    assertEquals(new SubQueueId("hot.example", 1),
        s.subQueueFor("hot.example", "0123456789ABCDEF"));
  }

  @Test
  void aSubQueueNoLongerConfiguredDrainsOverOneConnectionAtTheSmallestRate() {
    ShapingSettings domain = new ShapingSettings(10, 50, 20, 100, 3);
    assertTrue(domain.configures(2));
    assertTrue(!domain.configures(3));
    assertEquals(new ShapingSettings(1, 50, 20, 33, 1), domain.forSubQueue(3));
    assertEquals(new ShapingSettings(1, 50, 20, 33, 1), domain.forSubQueue(7));
    ShapingSettings single = new ShapingSettings(10, 50, 20, 100);
    assertEquals(new ShapingSettings(1, 50, 20, 100, 1), single.forSubQueue(2));
  }

  @Test
  void tlsIsOpportunisticByDefaultAndSetPerDomainAndSubQueuesKeepIt() {
    QueueSettings s = TestQueues.settings("relay.queue.shaping.domains {"
        + " \"bank.example\" { tls = verify, max-connections = 4, sub-queues = 2 },"
        + " \"secure.example\" { tls = REQUIRED } }");
    assertEquals(TlsPolicy.OPPORTUNISTIC, s.defaultShaping().tls());
    assertEquals(TlsPolicy.VERIFY, s.shapingFor("bank.example").tls());
    assertEquals(TlsPolicy.VERIFY, s.shapingFor(SubQueueId.parse("bank.example#1")).tls());
    assertEquals(TlsPolicy.REQUIRED, s.shapingFor("secure.example").tls());
    String m = refusal("relay.queue.shaping.domains.\"x.example\" { tls = always }");
    assertTrue(m.startsWith("relay.queue.shaping.domains.\"x.example\".tls = \"always\": expected "
        + "opportunistic, required or verify"), m);
  }

  /** The message of the error that loading {@code hocon} over the defaults gives. */
  static String refusal(String hocon) {
    return assertThrows(IllegalArgumentException.class, () -> TestQueues.settings(hocon))
        .getMessage();
  }

  @Test
  void moreSubQueuesThanConnectionsOrRateIsRefusedNamingTheKey() {
    String hot = "relay.queue.shaping.domains.\"hot.example\" ";
    String m = refusal(hot + "{ max-connections = 2, sub-queues = 3 }");
    assertTrue(m.contains("hot.example") && m.contains("sub-queues = 3")
        && m.contains("max-connections = 2"), m);
    m = refusal(hot + "{ messages-per-minute = 2, sub-queues = 3 }");
    assertTrue(m.contains("sub-queues = 3") && m.contains("messages-per-minute = 2"), m);
    m = refusal(hot + "{ sub-queues = 0 }");
    assertTrue(m.startsWith(
        "relay.queue.shaping.domains.\"hot.example\".sub-queues = 0 is outside 1 .. 1000"), m);
    m = refusal("relay.queue.shaping.default.sub-queues = 11");
    assertTrue(m.startsWith("relay.queue.shaping.default.sub-queues = 11 is more than"), m);
  }

  @Test
  void delayWarningCanBeSwitchedOff() {
    assertTrue(!TestQueues.settings("relay.queue.delay-warning = off").delayWarningEnabled());
    assertTrue(!TestQueues.settings("relay.queue.delay-warning = 0").delayWarningEnabled());
  }

  @Test
  void valuesOutOfBoundsAreRefusedNamingTheFullKey() {
    for (String[] bad : new String[][] {
        {"relay.queue.shaping.default.max-connections = 0",
            "relay.queue.shaping.default.max-connections = 0 is outside 1 .. 1000"},
        {"relay.queue.shaping.domains { \"a.example\" { recipients-per-transaction = 0 } }",
            "relay.queue.shaping.domains.\"a.example\".recipients-per-transaction = 0 is outside"},
        {"relay.queue.retry { initial = 2h, max-interval = 1h }",
            "relay.queue.retry.max-interval = PT1H is outside PT2H .. "},
        {"relay.queue.retry.multiplier = 0.5", "relay.queue.retry.multiplier = 0.5 is outside"},
        {"relay.queue.delay-warning = 6d", "relay.queue.delay-warning = PT144H is outside"},
        {"relay.queue.max-pending-messages = 0",
            "relay.queue.max-pending-messages = 0 is outside 1 .. 10000000"},
        {"relay.queue.persist-failure-backoff.random-factor = 2",
            "relay.queue.persist-failure-backoff.random-factor = 2.0 is outside 0.0 .. 1.0"},
        {"relay.queue.gateway.max-batch-size = 0", "relay.queue.gateway.max-batch-size = 0 is"},
        {"relay.queue.duplicates.max-entries = -1", "relay.queue.duplicates.max-entries = -1 is"}}) {
      String m = refusal(bad[0]);
      assertTrue(m.startsWith(bad[1]), bad[0] + " -> " + m);
    }
  }

  @Test
  void retryScheduleGrowsToItsCap() {
    RetrySchedule r = new RetrySchedule(Duration.ofMinutes(5), 2.0, Duration.ofHours(1));
    assertEquals(Duration.ofMinutes(5), r.delayAfter(1));
    assertEquals(Duration.ofMinutes(10), r.delayAfter(2));
    assertEquals(Duration.ofMinutes(40), r.delayAfter(4));
    assertEquals(Duration.ofHours(1), r.delayAfter(5));
    assertEquals(Duration.ofHours(1), r.delayAfter(5000));
  }

  @Test
  void tokenBucketAllowsTheConfiguredRate() {
    java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
    TokenBucket b = new TokenBucket(120, t); // 2 per second, burst 2
    assertTrue(b.tryAcquire(t));
    assertTrue(b.tryAcquire(t));
    assertTrue(!b.tryAcquire(t));
    assertEquals(Duration.ofMillis(500), b.untilNextToken(t));
    assertTrue(b.tryAcquire(t.plusMillis(500)));
    assertTrue(!b.tryAcquire(t.plusMillis(600)));
    TokenBucket unlimited = new TokenBucket(0, t);
    for (int i = 0; i < 1000; i++) {
      assertTrue(unlimited.tryAcquire(t));
    }
  }

  @Test
  void aMessageWithAFingerprintGoesToItsSubQueueWhateverItsQueueId() {
    QueueSettings s = TestQueues.settings(
        "relay.queue.shaping.domains { \"hot.example\" { sub-queues = 4 } }");
    java.util.Set<SubQueueId> byFingerprint = new java.util.HashSet<>();
    java.util.Set<SubQueueId> byQueueId = new java.util.HashSet<>();
    for (int i = 0; i < 40; i++) {
      QueuedMessage retry = new QueuedMessage("Q" + i, "s@x", java.util.List.of("a@hot.example"),
          1, java.time.Instant.EPOCH, false, false, "the-same-fingerprint");
      byFingerprint.add(s.subQueueFor("hot.example", retry));
      byQueueId.add(s.subQueueFor("hot.example", TestQueues.message("Q" + i, "s@x", "a@d")));
    }
    assertEquals(1, byFingerprint.size(), "every retry reaches the sub-queue that remembers");
    assertTrue(byQueueId.size() > 1, "without fingerprint the queue id spreads them");
  }
}

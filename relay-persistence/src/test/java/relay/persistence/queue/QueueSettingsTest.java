package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QueueSettingsTest {

  @Test
  void referenceDefaults() {
    QueueSettings s = TestQueues.settings("");
    assertEquals(new ShapingSettings(10, 100, 100, 0), s.defaultShaping());
    assertEquals(new RetrySchedule(Duration.ofMinutes(5), 2.0, Duration.ofHours(1)), s.retry());
    assertEquals(Duration.ofDays(5), s.maxLifetime());
    assertEquals(Duration.ofHours(4), s.delayWarning());
    assertEquals("relay.delivery-dispatcher", s.deliveryDispatcher());
    assertEquals(1000, s.snapshotEvery());
    assertEquals(new GatewaySettings(200, 5000, Duration.ofSeconds(4), 4), s.gateway());
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
  void delayWarningCanBeSwitchedOff() {
    assertTrue(!TestQueues.settings("relay.queue.delay-warning = off").delayWarningEnabled());
    assertTrue(!TestQueues.settings("relay.queue.delay-warning = 0").delayWarningEnabled());
  }

  @Test
  void valuesOutOfBoundsAreRefusedNamingTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TestQueues.settings("relay.queue.shaping.default.max-connections = 0"));
    assertTrue(e.getMessage().contains("max-connections"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TestQueues.settings(
        "relay.queue.shaping.domains { \"a.example\" { recipients-per-transaction = 0 } }"));
    assertTrue(e.getMessage().contains("a.example"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TestQueues.settings("relay.queue.retry { initial = 2h, max-interval = 1h }"));
    assertTrue(e.getMessage().contains("retry.max-interval"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TestQueues.settings("relay.queue.delay-warning = 6d"));
    assertTrue(e.getMessage().contains("delay-warning"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> TestQueues.settings("relay.queue.gateway.max-batch-size = 0"));
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
}

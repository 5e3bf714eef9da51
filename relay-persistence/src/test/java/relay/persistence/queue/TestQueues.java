package relay.persistence.queue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import relay.persistence.spool.Spool;
import relay.persistence.spool.SpoolWriter;

/** Settings and messages for queue tests. */
final class TestQueues {

  private TestQueues() {}

  /** The relay.queue section: test overrides (HOCON) over this module's reference.conf. */
  static QueueSettings settings(String overrides) {
    Config c = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load());
    return QueueSettings.fromConfig(c.getConfig("relay.queue"));
  }

  /** Fast defaults for tests with real timers: retries in 200 ms, lifetime 1 min. */
  static String fast(String more) {
    return "relay.queue { retry { initial = 200ms, max-interval = 400ms }, max-lifetime = 60s,"
        + " delay-warning = off, dsn-retry-interval = 200ms }\n" + more;
  }

  static QueuedMessage message(String queueId, String sender, String... recipients) {
    return new QueuedMessage(queueId, sender, List.of(recipients), 100, Instant.now(), false, false);
  }

  /** Stores a body for the message under every given domain and returns the body. */
  static byte[] spool(Spool spool, String queueId, String... domains) throws Exception {
    byte[] body = ("Subject: " + queueId + "\r\n\r\nbody of " + queueId + "\r\n").getBytes();
    SpoolWriter w = spool.create(queueId);
    w.write(body, 0, body.length);
    w.commit(List.of(domains)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return body;
  }
}

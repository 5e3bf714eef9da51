package relay.persistence.dispatch;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;
import org.apache.pekko.dispatch.MonitorableThreadFactory;

/**
 * Lets a Pekko dispatcher run on an {@link ElasticThreadPool}: {@code executor =
 * "relay.persistence.dispatch.ElasticPoolConfigurator"} with an {@code elastic-pool} block in the
 * dispatcher's section ({@code max-threads}, {@code keep-alive}; see relay-persistence's
 * reference.conf). Pekko creates it with the dispatcher's configuration when the dispatcher is
 * first looked up; the values are checked then.
 */
public final class ElasticPoolConfigurator extends ExecutorServiceConfigurator {

  private final int maxThreads;
  private final Duration keepAlive;

  public ElasticPoolConfigurator(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    Config pool = config.getConfig("elastic-pool");
    this.maxThreads = pool.getInt("max-threads");
    this.keepAlive = pool.getDuration("keep-alive");
    if (maxThreads < 1 || maxThreads > 10_000) {
      throw new IllegalArgumentException("elastic-pool.max-threads = " + maxThreads + " is outside 1..10000");
    }
    if (keepAlive.compareTo(Duration.ofSeconds(1)) < 0 || keepAlive.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("elastic-pool.keep-alive = " + keepAlive + " is outside 1s..1h");
    }
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
    // Threads named after the dispatcher, as Pekko's own pools name theirs ("relay-<dispatcher>-N").
    ThreadFactory named = threadFactory instanceof MonitorableThreadFactory m ? m.withName(m.name() + "-" + id)
        : threadFactory;
    return () -> ElasticThreadPool.create(maxThreads, keepAlive, named);
  }
}
